package display

import (
	"fmt"
	"strings"

	"hallkiosk/center/api"
)

// CallText is the line drawn for a call, in both languages.
func CallText(c Call) api.Text {
	return api.Text{
		ZH: fmt.Sprintf("请 %s 号 到 %d 号窗口", c.Number, c.Window),
		EN: fmt.Sprintf("Number %s, please go to window %d", c.Number, c.Window),
	}
}

var zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// SpeechText is what the voice says for a call in Mandarin. The ticket's
// digits are spelt one by one ("A 零 一 二", as halls announce them) so the
// engine does not read "012" as a quantity; the window number is read as a
// number ("十二号窗口").
func SpeechText(c Call) string {
	var b strings.Builder
	for _, r := range c.Number {
		if r >= '0' && r <= '9' {
			b.WriteString(zhDigits[r-'0'])
		} else {
			b.WriteRune(r)
		}
		b.WriteByte(' ')
	}
	spelt := strings.TrimSpace(b.String())
	if c.Recall {
		return fmt.Sprintf("再次呼叫，请 %s 号，到 %d 号窗口。", spelt, c.Window)
	}
	return fmt.Sprintf("请 %s 号，到 %d 号窗口。", spelt, c.Window)
}
