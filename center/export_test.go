package center

// RoutePatterns lists "METHOD /path" of every route the device API serves,
// for the tests that hold the docs and the role matrix to the router.
func RoutePatterns() []string {
	out := []string{"GET /healthz", "POST /api/v1/enrol"}
	for _, rt := range (&Server{}).routes() {
		out = append(out, rt.pattern)
	}
	return out
}
