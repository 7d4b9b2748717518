package center_test

import (
	"os"
	"strings"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/api"
)

// ticketActions are the actions POST /tickets/{id}/{action} takes (the
// cases of Server.ticketAction); each is its own endpoint in the docs.
var ticketActions = []string{"missed", "reinstate", "transfer", "finish"}

// TestDocsExampleEveryRoute: docs/center-api.md has a section for every
// route the router serves, "### METHOD /path", with a reply example (a
// line starting "200") and, for a POST, a request example (a line starting
// "→"). A route added without its example fails here.
func TestDocsExampleEveryRoute(t *testing.T) {
	raw, err := os.ReadFile("../docs/center-api.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := docSections(string(raw))
	for _, pattern := range center.RoutePatterns() {
		method, path, _ := strings.Cut(strings.Replace(pattern, api.Prefix, "", 1), " ")
		paths := []string{path}
		if strings.HasSuffix(path, "/{action}") {
			paths = nil
			for _, a := range ticketActions {
				paths = append(paths, strings.TrimSuffix(path, "{action}")+a)
			}
		}
		for _, p := range paths {
			body, ok := sections[method+" "+p]
			switch {
			case !ok:
				t.Errorf("%s %s: no section \"### %s %s\" in docs/center-api.md", method, p,
					method, p)
			case !hasLine(body, "200"):
				t.Errorf("%s %s: no reply example (a line starting 200)", method, p)
			case method == "POST" && !hasLine(body, "→"):
				t.Errorf("%s %s: no request example (a line starting →)", method, p)
			}
		}
	}
}

// docSections maps "METHOD /path" of each "### " heading (query string and
// the rest of the heading dropped) to the text up to the next heading.
func docSections(doc string) map[string]string {
	out := map[string]string{}
	var key string
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "#") {
			key = ""
			if h, ok := strings.CutPrefix(line, "### "); ok {
				f := strings.Fields(h)
				if len(f) >= 2 {
					path, _, _ := strings.Cut(f[1], "?")
					key = f[0] + " " + path
				}
			}
			continue
		}
		if key != "" {
			out[key] += line + "\n"
		}
	}
	return out
}

func hasLine(body, prefix string) bool {
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return true
		}
	}
	return false
}
