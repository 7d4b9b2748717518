package kiosk

import (
	"fmt"
	"time"
)

// Lang is a display language.
type Lang int

// Languages on the switch.
const (
	ZH Lang = iota
	EN
)

// Code returns the language tag for the speaker ("zh" or "en").
func (l Lang) Code() string {
	if l == EN {
		return "en"
	}
	return "zh"
}

// Msg names one citizen-facing text. Every word a citizen reads on the
// kiosk comes from messages, in both languages, so a translator has one
// place to look and internal errors never reach the screen.
type Msg string

// T renders a message in a language with fmt arguments.
func T(l Lang, m Msg, args ...any) string {
	pair, ok := messages[m]
	if !ok {
		return string(m)
	}
	s := pair[0]
	if l == EN {
		s = pair[1]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// messages is the table: Msg → {zh, en}.
var messages = map[Msg][2]string{
	"home.checkin":      {"预约签到", "Booking check-in"},
	"home.checkin.sub":  {"刷身份证或输入预约码", "ID card or booking code"},
	"home.walkin":       {"现场取号", "Take a ticket"},
	"home.walkin.sub":   {"选择部门和事项", "Choose department and matter"},
	"home.search":       {"办事指南查询", "Find a service"},
	"home.search.sub":   {"拼音首字母、名称或编码", "Pinyin initials, name or code"},
	"home.book":         {"现场预约", "Book on site"},
	"home.cancel":       {"取消预约", "Cancel a booking"},
	"home.lang":         {"English", "中文"},
	"home.large":        {"大字模式", "Large text"},
	"home.large.off":    {"标准字体", "Normal text"},
	"attract.title":     {"欢迎办事", "Welcome"},
	"attract.touch":     {"请轻触屏幕开始", "Touch the screen to start"},
	"common.home":       {"返回首页", "Home"},
	"common.back":       {"上一步", "Back"},
	"common.ok":         {"确定", "OK"},
	"common.clear":      {"清除", "Clear"},
	"common.del":        {"退格", "Delete"},
	"common.confirm":    {"确认", "Confirm"},
	"common.offline":    {"离线运行", "Offline"},
	"common.busy":       {"正在处理，请稍候", "Working, please wait"},
	"common.help":       {"请到一楼导办台寻求帮助", "Please ask at the guide desk on the ground floor"},
	"common.walkinonly": {"仅现场取号，不可预约", "Walk-in only, no booking"},
	"common.reader.no":  {"读卡器不可用，请用键盘输入", "Card reader unavailable: use the keypad"},

	"checkin.title":     {"预约签到", "Booking check-in"},
	"checkin.card":      {"请将身份证放在下方读卡区", "Place your ID card on the reader below"},
	"checkin.bycode":    {"输入预约码", "Type booking code"},
	"checkin.byid":      {"输入身份证号", "Type ID number"},
	"checkin.code.hint": {"请输入6位预约码", "Enter the 6-digit booking code"},
	"checkin.id.hint":   {"请输入18位身份证号", "Enter the 18-character ID number"},
	"checkin.found":     {"您今天的预约", "Your bookings today"},
	"checkin.none":      {"没有找到您今天的预约", "No booking found for today"},
	"checkin.none.body": {"可以现场取号办理。", "You can take a walk-in ticket."},
	"checkin.print":     {"签到取号", "Check in and print"},
	"checkin.early":     {"还未到取号时间", "Too early to check in"},
	"checkin.early.body": {
		"请于 %s 后再来签到（取号时段：工作日 08:20–11:20、13:00–16:30）。",
		"Please come back after %s (check-in: workdays 08:20–11:20 and 13:00–16:30)."},
	"checkin.late": {"预约已失效", "Booking lapsed"},
	"checkin.late.body": {
		"您预约的取号时段已过，预约已失效并记为爽约。可以现场取号。",
		"The check-in window of your booking has passed; it lapsed and counts as a " +
			"no-show. You can take a walk-in ticket."},
	"checkin.done": {"已签到", "Already checked in"},
	"checkin.done.body": {
		"该预约已签到，号码 %s。如需补打请到导办台。",
		"This booking is checked in, number %s. For a reprint ask at the guide desk."},
	"checkin.slot": {"时段 %s–%s", "Slot %s–%s"},

	"card.expired": {"身份证已过期", "ID card expired"},
	"card.expired.body": {
		"请使用有效证件，或输入预约码。",
		"Please use a valid card, or type your booking code."},
	"card.unreadable": {"无法读取身份证", "Card could not be read"},
	"card.unreadable.body": {
		"请取下证件后重新放置，或使用键盘输入。",
		"Lift the card and place it again, or use the keypad."},
	"card.needed": {"请放置身份证", "Place your ID card"},
	"card.needed.body": {
		"现场预约和取消预约需要读取身份证。",
		"Booking and cancelling on site need your ID card."},

	"walkin.depts":   {"请选择办理部门", "Choose a department"},
	"walkin.matters": {"请选择办理事项", "Choose a matter"},
	"walkin.confirm": {"确认取号", "Confirm your ticket"},
	"walkin.take":    {"取号", "Print ticket"},
	"walkin.target":  {"等候目标 %d 分钟", "Target wait %d min"},
	"walkin.class":   {"%s · 窗口 %s", "%s · windows %s"},

	"quota.title": {"今日现场号已取完", "No more walk-in tickets today"},
	"quota.body": {
		"本时段现场取号名额已用完。可以现场预约其他工作日。",
		"The walk-in quota for this half-day is used up. You can book another workday on site."},
	"quota.book": {"现场预约", "Book on site"},

	"ticket.title":    {"您的号码", "Your number"},
	"ticket.booked":   {"预约优先号", "Priority (booked)"},
	"ticket.walkin":   {"现场号", "Walk-in"},
	"ticket.ahead":    {"前面还有 %d 人", "%d people ahead"},
	"ticket.ahead.na": {"等候人数将在叫号屏显示", "People ahead: see the hall screen"},
	"ticket.target":   {"等候目标 %d 分钟", "Target wait %d min"},
	"ticket.printing": {"正在打印，请稍候…", "Printing, please wait…"},
	"ticket.take":     {"请取走您的号票", "Please take your ticket"},
	"ticket.misprint": {"号码已生成但未能打印", "Ticket issued but not printed"},
	"ticket.misprint.body": {
		"您的号码是 %s，请凭此号到导办台补打。",
		"Your number is %s; ask at the guide desk for a printout."},

	"printer.low":     {"打印纸即将用完", "Paper running low"},
	"printer.out":     {"打印机缺纸，暂停取号", "Printer out of paper: tickets paused"},
	"printer.cover":   {"打印机盖未关，暂停取号", "Printer cover open: tickets paused"},
	"printer.offline": {"打印机故障，暂停取号", "Printer not responding: tickets paused"},

	"book.title":   {"现场预约", "Book on site"},
	"book.offline": {"暂不能现场预约", "On-site booking unavailable"},
	"book.offline.body": {
		"与中心的连接中断，无法预约。现场取号和签到不受影响。",
		"The kiosk cannot reach the center, so it cannot book. Walk-in tickets and check-in still work."},
	"book.depts": {"请选择预约部门", "Choose a department to book"},
	"book.day":   {"请选择日期（工作日，至少提前一天）", "Choose a day (workdays, at least one day ahead)"},
	"book.slot":  {"请选择时段", "Choose a time"},
	"book.free":  {"余 %d", "%d left"},
	"book.full":  {"已满", "Full"},
	"book.nodays": {"近期没有可预约时段，可以现场取号。",
		"No bookable time in the coming days; you can take a walk-in ticket."},
	"book.noslots":   {"当天没有可预约时段", "No bookable time on that day"},
	"book.phone":     {"请输入手机号码", "Enter your mobile number"},
	"book.phone.bad": {"请输入11位手机号码", "Enter an 11-digit mobile number"},
	"book.confirm":   {"确认预约", "Confirm booking"},
	"book.done":      {"预约成功", "Booked"},
	"book.done.body": {
		"预约码 %s。请于 %s %s 到中心签到取号，预约单正在打印。",
		"Booking code %s. Check in on %s at %s; your slip is printing."},
	"book.refused": {"不能预约", "Booking refused"},
	"book.restricted": {
		"您因多次爽约暂被限制预约（6个月）。可以现场取号。",
		"Repeated no-shows: booking is barred for six months. You can take a walk-in ticket."},
	"book.duplicate": {"您已预约同一事项同一天，不能重复预约。", "You already booked this matter on that day."},
	"book.slotfull":  {"该时段已约满，请选择其他时段。", "That time is full; choose another."},
	"book.toosoon":   {"预约需至少提前一个工作日。", "Bookings must be made at least one workday ahead."},
	"book.period": {
		"该时间不可预约（仅工作日 08:30–11:30、13:00–16:30）。",
		"Not a bookable time (workdays 08:30–11:30, 13:00–16:30)."},
	"book.walkinonly": {
		"该部门仅现场取号（公安、公积金、婚姻登记）。",
		"This department is walk-in only (police, housing fund, marriage registry)."},
	"book.failed": {
		"预约未完成，请稍后再试。",
		"The booking did not go through; please try again later."},
	"book.summary": {"%s\n%s %s–%s\n%s  手机 %s", "%s\n%s %s–%s\n%s  mobile %s"},

	"cancel.code":      {"请输入要取消的预约码", "Enter the booking code to cancel"},
	"cancel.done":      {"预约已取消", "Booking cancelled"},
	"cancel.done.body": {"预约 %s 已取消。", "Booking %s is cancelled."},
	"cancel.late": {
		"取消需至少提前一天，当天的预约不能取消。",
		"Cancel at least one day ahead; today's booking cannot be cancelled."},
	"cancel.identity": {"预约码与身份证不符。", "The code does not match this ID card."},
	"cancel.failed":   {"不能取消", "Cannot cancel"},

	"search.title":     {"办事指南查询", "Find a service"},
	"search.hint":      {"输入拼音首字母、全拼或事项编码", "Type pinyin initials, full pinyin or a code"},
	"search.letters":   {"字母", "A–Z"},
	"search.digits":    {"数字", "0–9"},
	"search.all":       {"全部部门", "All departments"},
	"search.none":      {"没有找到相关事项", "Nothing found"},
	"detail.dept":      {"办理部门", "Department"},
	"detail.name":      {"事项名称", "Matter"},
	"detail.code":      {"事项编码", "Code"},
	"detail.review":    {"审查要点", "Review points"},
	"detail.guide":     {"办事指南", "Service guide"},
	"detail.materials": {"申请材料", "Materials"},
	"detail.limit":     {"办理时限", "Time limit"},
	"detail.fee":       {"收费", "Fee"},
	"detail.window":    {"办理窗口", "Window"},
	"detail.basis":     {"办理依据", "Legal basis"},
	"detail.faq":       {"常见问题", "FAQ"},
	"detail.qa":        {"问：%s\n答：%s", "Q: %s\nA: %s"},
	"detail.maint":     {"维护单位", "Maintained by"},
	"detail.print":     {"打印指南", "Print the guide"},
	"detail.helpful":   {"这条信息有帮助吗？", "Was this helpful?"},
	"detail.yes":       {"有帮助", "Yes"},
	"detail.no":        {"没帮助", "No"},
	"detail.thanks":    {"感谢您的反馈", "Thank you for your feedback"},
	"detail.queued":    {"感谢您的反馈，联网后将自动发送", "Thank you; it will be sent once back online"},
	"detail.unsent":    {"暂时无法发送反馈，请稍后再试", "Feedback could not be sent now; please try later"},
	"detail.printed":   {"指南已打印，请取走", "Guide printed; please take it"},

	"maint.pin":          {"维护密码", "Maintenance PIN"},
	"maint.pin.bad":      {"密码错误", "Wrong PIN"},
	"maint.title":        {"维护面板", "Technician panel"},
	"maint.printer":      {"打印机自检", "Printer self-test"},
	"maint.reader":       {"读卡器自检", "Reader self-test"},
	"maint.exit":         {"退出程序", "Exit kiosk"},
	"maint.close":        {"关闭面板", "Close panel"},
	"maint.network":      {"网络", "Network"},
	"maint.log":          {"最近日志", "Last log lines"},
	"error.generic":      {"暂时无法办理", "Cannot do that now"},
	"error.generic.body": {"请稍后再试，或到导办台咨询。", "Please try again later, or ask at the guide desk."},
	"notready":           {"设备正在准备", "Kiosk starting up"},
	"notready.body": {
		"设备尚未取得大厅信息，请到导办台取号。",
		"The kiosk has no hall data yet; please ask at the guide desk."},
}

// AllMessages lists the table's keys (for completeness tests and
// translators).
func AllMessages() []Msg {
	out := make([]Msg, 0, len(messages))
	for m := range messages {
		out = append(out, m)
	}
	return out
}

// weekdays are the day names, Sunday first.
var weekdays = [2][7]string{
	{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"},
	{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

// Weekday names a day of the week.
func Weekday(l Lang, d time.Weekday) string { return weekdays[l][d] }

// DateTime is the date and time line of the header.
func DateTime(l Lang, t time.Time) string {
	if l == EN {
		return t.Format("Mon 2 Jan 2006  15:04")
	}
	return fmt.Sprintf("%d年%d月%d日 %s  %s", t.Year(), t.Month(), t.Day(),
		Weekday(l, t.Weekday()), t.Format("15:04"))
}
