package printer

import (
	"fmt"
	"strings"
	"time"
)

// Center is the hall printed at the head and foot of every slip.
type Center struct {
	Name  string
	Phone string
}

// WaitClass is a matter's class under R8 ("10/30/60": general matters wait
// at most 10 minutes, complex 30, special 60).
type WaitClass int

// Wait classes.
const (
	General WaitClass = iota
	Complex
	Special
)

// Minutes is the waiting target of the class (R8).
func (c WaitClass) Minutes() int {
	switch c {
	case Complex:
		return 30
	case Special:
		return 60
	}
	return 10
}

func (c WaitClass) zh() string {
	return [...]string{"一般事项", "复杂事项", "特殊事项"}[min(max(int(c), 0), 2)]
}

// Ticket is a walk-in queue ticket.
type Ticket struct {
	Center     Center
	Number     string // e.g. "A023"
	Department string
	Matter     string
	Ahead      int // people waiting before this ticket
	Issued     time.Time
	Class      WaitClass
	// StatusURL is the ticket's status page, printed as a QR code.
	StatusURL string
}

// BookingTicket is the ticket printed when a booking is checked in. It is
// marked as booked priority: R10 calls booked tickets before walk-ins.
type BookingTicket struct {
	Ticket
	// Name is the holder's name; it is masked before printing (G6), so an
	// already masked name is fine too.
	Name   string
	Period Period // the booked time period
}

// Period is a booked time period on one day.
type Period struct{ Start, End time.Time }

func (p Period) String() string {
	return p.Start.Format("2006-01-02 15:04") + "-" + p.End.Format("15:04")
}

// BookingSlip is the proof of an on-site booking for another day (R4).
type BookingSlip struct {
	Center     Center
	Code       string // booking code, keyed in at check-in
	Name       string // masked before printing (G6)
	Department string
	Matter     string
	Period     Period
	// GuideURL is the booked matter's guide page, printed as a QR code so
	// the citizen has the materials list at hand on the day.
	GuideURL string
}

// Guide is a knowledge-base entry printed for the citizen to take away.
type Guide struct {
	Center     Center
	Matter     string
	Code       string // the 33-character business code (K1)
	Department string
	Materials  []string
	TimeLimit  string // e.g. "5个工作日"
	Fee        string // e.g. "不收费" or "￥50"
	Window     string // where it is handled, e.g. "3-5号窗口"
	GuideURL   string // the online guide, printed as a QR code
	Printed    time.Time
}

// TestPage is the technician's test print.
type TestPage struct {
	Device   string // device name from the configuration
	Port     string
	Software string // hallkiosk version
	Firmware string // printer firmware (GS I 65), or why it is unknown
	Status   Status
	Printed  time.Time
}

// R13 in one line: a called number whose holder is absent may be reinstated
// within 10 minutes; after that it must be taken (or booked) again. Short
// enough for one line on 58 mm paper.
const (
	missedRuleWalkIn  = "过号10分钟内可恢复，逾时重新取号"
	missedRuleBooking = "过号10分钟内可恢复，逾时重新预约"
)

const timeLayout = "2006-01-02 15:04"

// WalkIn lays out a walk-in ticket.
func WalkIn(t Ticket) *Doc {
	d := ticketHead(t.Center, "普通号", t)
	ticketBody(d, t)
	return ticketFoot(d, t, missedRuleWalkIn)
}

// Booked lays out a checked-in booking ticket, marked as booked priority.
func Booked(t BookingTicket) *Doc {
	d := ticketHead(t.Center, "预约优先 BOOKED", t.Ticket)
	ticketBody(d, t.Ticket)
	d.Add(
		Row{Left: "预约人", Right: MaskName(t.Name)},
		Row{Left: "预约时段", Right: t.Period.String()},
	)
	return ticketFoot(d, t.Ticket, missedRuleBooking)
}

func ticketHead(c Center, kind string, t Ticket) *Doc {
	return new(Doc).Add(
		Text{Text: c.Name, Size: Tall, Bold: true, Align: AlignCenter},
		Text{Text: kind, Bold: true, Align: AlignCenter},
		Text{Text: t.Number, Size: Huge, Bold: true, Align: AlignCenter},
		Text{Text: t.Department, Bold: true, Align: AlignCenter},
		Text{Text: t.Matter, Align: AlignCenter},
		Rule{},
	)
}

func ticketBody(d *Doc, t Ticket) {
	d.Add(
		Row{Left: "前面等候", Right: fmt.Sprintf("%d 人", t.Ahead), Bold: true},
		Row{Left: "取号时间", Right: t.Issued.Format(timeLayout)},
		Row{Left: "等候目标(" + t.Class.zh() + ")", Right: fmt.Sprintf("%d 分钟", t.Class.Minutes())},
	)
}

func ticketFoot(d *Doc, t Ticket, missedRule string) *Doc {
	return d.Add(
		Rule{},
		QR{Data: t.StatusURL, Module: 5, Level: QRLevelM, Align: AlignCenter},
		Text{Text: "扫码查看叫号进度", Align: AlignCenter},
		Text{Text: missedRule, Align: AlignCenter},
		Text{Text: "咨询电话 " + t.Center.Phone, Align: AlignCenter},
		Cut{},
	)
}

// Slip lays out the proof of an on-site booking. The pick-up window follows
// R7 (check-in on workdays 08:20-11:20 for morning periods, 13:00-16:30 for
// afternoon ones).
func Slip(s BookingSlip) *Doc {
	return new(Doc).Add(
		Text{Text: s.Center.Name, Size: Tall, Bold: true, Align: AlignCenter},
		Text{Text: "预约凭条", Size: Double, Bold: true, Align: AlignCenter},
		Rule{},
		Row{Left: "预约码", Right: s.Code, Bold: true},
		Row{Left: "预约人", Right: MaskName(s.Name)},
		Text{Text: "部门：" + s.Department},
		Text{Text: "事项：" + s.Matter},
		Text{Text: "时段：" + s.Period.String()},
		Text{Text: "取号：当日 " + pickUpWindow(s.Period) + " 凭身份证或预约码到自助机取号"},
		Text{Text: "如需取消，请至少提前一天办理；未取号视为爽约。"},
		Rule{},
		QR{Data: s.GuideURL, Module: 5, Level: QRLevelM, Align: AlignCenter},
		Text{Text: "扫码查看办事指南和所需材料", Align: AlignCenter},
		Text{Text: "咨询电话 " + s.Center.Phone, Align: AlignCenter},
		Cut{},
	)
}

// pickUpWindow is R7's check-in window for the half-day of the period.
func pickUpWindow(p Period) string {
	if p.Start.Hour() < 12 {
		return "08:20-11:20"
	}
	return "13:00-16:30"
}

// GuidePrint lays out a knowledge-base entry: matter, materials, time
// limit, fee, window, and a QR code to the online guide.
func GuidePrint(g Guide) *Doc {
	d := new(Doc).Add(
		Text{Text: g.Center.Name, Bold: true, Align: AlignCenter},
		Text{Text: "办事指南", Size: Double, Bold: true, Align: AlignCenter},
		Text{Text: g.Matter, Size: Tall, Bold: true},
		Text{Text: g.Department},
		Text{Text: "事项编码 " + groupCode(g.Code)},
		Rule{},
		Text{Text: "申请材料：", Bold: true},
	)
	for i, m := range g.Materials {
		num := fmt.Sprintf("%d. ", i+1)
		d.Add(Text{Text: num + m, Hang: len(num)})
	}
	return d.Add(
		Rule{},
		Row{Left: "办理时限", Right: g.TimeLimit},
		Row{Left: "收费标准", Right: g.Fee},
		Row{Left: "办理窗口", Right: g.Window},
		Rule{},
		QR{Data: g.GuideURL, Module: 5, Level: QRLevelM, Align: AlignCenter},
		Text{Text: "扫码查看完整办事指南", Align: AlignCenter},
		Text{Text: "打印时间 " + g.Printed.Format(timeLayout), Align: AlignCenter},
		Text{Text: "咨询电话 " + g.Center.Phone, Align: AlignCenter},
		Cut{},
	)
}

// Test lays out the technician's test page for paper p: sizes, bold,
// alignment, a Chinese sample, a column ruler, a QR code and the status.
func Test(t TestPage, p Paper) *Doc {
	d := new(Doc).Add(
		Text{Text: "打印机自检 PRINTER TEST", Size: Double, Bold: true, Align: AlignCenter},
		Rule{},
		Row{Left: "设备 device", Right: t.Device},
		Row{Left: "端口 port", Right: t.Port},
		Row{Left: "纸宽 paper", Right: fmt.Sprintf("%dmm %d dots %d cols", p, p.Dots(), p.Columns())},
		Row{Left: "状态 status", Right: t.Status.String()},
		Row{Left: "固件 firmware", Right: t.Firmware},
		Row{Left: "软件 software", Right: t.Software},
		Row{Left: "时间 time", Right: t.Printed.Format("2006-01-02 15:04:05")},
		Rule{},
	)
	for _, s := range []Size{Normal, Tall, {2, 1}, Double, Huge} {
		d.Add(Text{Text: fmt.Sprintf("%dx%d 字A9", s.W, s.H), Size: s})
	}
	return d.Add(
		Text{Text: "粗体 Bold 0123", Bold: true},
		Text{Text: "左 left", Align: AlignLeft},
		Text{Text: "中 center", Align: AlignCenter},
		Text{Text: "右 right", Align: AlignRight},
		Text{Text: "中文样张：松江区行政服务中心欢迎您。请携带身份证原件及复印件，收费￥50.00。"},
		Text{Text: ruler(p.Columns())},
		QR{Data: "hallkiosk printer test " + t.Printed.Format(time.RFC3339), Level: QRLevelM, Align: AlignCenter},
		Cut{},
	)
}

// groupCode splits a 33-character business code (K1) after its first 18
// characters, the issuing body's unified social credit code, so that on
// 58 mm paper it wraps between its parts rather than one character short
// of the edge.
func groupCode(code string) string {
	if len(code) == 33 {
		return code[:18] + " " + code[18:]
	}
	return code
}

// ruler is a column ruler ("1234567890123...") one line wide, to check
// that the printer's width matches the configured paper.
func ruler(cols int) string {
	var b strings.Builder
	for i := 1; i <= cols; i++ {
		b.WriteByte(byte('0' + i%10))
	}
	return b.String()
}

// MaskName keeps the first character of a name and stars the rest
// ("张三" -> "张*", "欧阳娜娜" -> "欧***"), so a slip left behind does not
// identify its holder (G6). It is idempotent.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}
