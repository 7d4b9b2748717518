package printer_test

import (
	"context"
	"flag"
	"log/slog"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer"
	"hallkiosk/printer/printertest"
)

var quiet = slog.New(slog.DiscardHandler)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

var (
	hall   = printer.Center{Name: "松江区行政服务中心", Phone: "37733773"}
	issued = time.Date(2026, 12, 3, 9, 15, 0, 0, time.UTC)
)

// layouts are the print-outs a citizen or technician takes away, with
// fixed inputs so their bytes can be compared with goldens.
func layouts(p printer.Paper) map[string]*printer.Doc {
	walk := printer.Ticket{Center: hall, Number: "A023", Department: "市场监管局",
		Matter: "个体工商户设立登记", Ahead: 5, Issued: issued, Class: printer.General,
		StatusURL: "https://hall.example.cn/t/20261203/A023"}
	booked := walk
	booked.Number, booked.Department, booked.Matter = "Y007", "人力资源和社会保障局", "社会保障卡申领"
	booked.Class, booked.StatusURL = printer.Complex, "https://hall.example.cn/t/20261203/Y007"
	period := printer.Period{Start: issued.Add(45 * time.Minute), End: issued.Add(105 * time.Minute)}
	return map[string]*printer.Doc{
		"walkin":  printer.WalkIn(walk),
		"booking": printer.Booked(printer.BookingTicket{Ticket: booked, Name: "欧阳娜娜", Period: period}),
		"slip": printer.Slip(printer.BookingSlip{Center: hall, Code: "B7K2Q9", Name: "张三",
			Department: "不动产登记中心", Matter: "不动产抵押权首次登记",
			Period:   printer.Period{Start: issued.AddDate(0, 0, 1).Add(4 * time.Hour), End: issued.AddDate(0, 0, 1).Add(5 * time.Hour)},
			GuideURL: "https://hall.example.cn/g/113101170024224311431011700100001"}),
		"guide": printer.GuidePrint(printer.Guide{Center: hall, Matter: "个体工商户设立登记",
			Code: "11310117MB2F5038XU400011200000001", Department: "区市场监督管理局",
			Materials: []string{"经营者签署的《个体工商户注册登记申请书》", "经营者身份证明原件及复印件",
				"经营场所使用证明（房产证复印件或租赁协议）", "委托代理人办理的，提交委托书及代理人身份证明"},
			TimeLimit: "即办（材料齐全当场办结）", Fee: "不收费", Window: "A区 3-5号窗口",
			GuideURL: "https://hall.example.cn/g/11310117MB2F5038XU400011200000001", Printed: issued}),
		"testpage": printer.Test(printer.TestPage{Device: "kiosk-01", Port: "/dev/ttyUSB0",
			Software: "hallkiosk v0.1.0", Firmware: "VP-1.0 hallsim", Printed: issued}, p),
	}
}

var papers = []printer.Paper{printer.Paper58, printer.Paper80}

// rig is the driver on a real pseudo-terminal opened with
// platform.OpenSerial, with the virtual printer on the master end.
type rig struct {
	pty  *platform.PTY
	dev  *printertest.Device
	port *platform.SerialPort
	drv  *printer.Driver
}

type rigOpts struct {
	paper    printer.Paper
	baud     int // virtual line pacing; 0 = none
	sensor   printer.PaperLowSensor
	writeTO  time.Duration
	statusTO time.Duration
}

func newRig(t testing.TB, o rigOpts) *rig {
	t.Helper()
	if o.paper == 0 {
		o.paper = printer.Paper80
	}
	if o.statusTO == 0 {
		o.statusTO = 300 * time.Millisecond
	}
	p := ptytest.New(t)
	dev := printertest.NewDevice(printertest.Options{Dots: o.paper.Dots(), Baud: o.baud,
		Log: quiet})
	done := make(chan error, 1)
	go func() { done <- dev.Serve(context.Background(), p.Master) }()
	port, err := platform.OpenSerial(platform.SerialConfig{Path: p.SlavePath, Baud: 115200, WriteTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	drv := printer.New(port, printer.Options{Format: printer.Format{Paper: o.paper},
		StatusTimeout: o.statusTO, WriteTimeout: o.writeTO, PrintTimeout: 500 * time.Millisecond, PaperLow: o.sensor, Log: quiet})
	t.Cleanup(func() {
		dev.SetState(printertest.State{}) // let a stalled device drain
		drv.Close()
		p.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("virtual printer did not stop after the pty closed")
		}
	})
	return &rig{pty: p, dev: dev, port: port, drv: drv}
}
