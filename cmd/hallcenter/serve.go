package main

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/console"
	"hallkiosk/center/demo"
	"hallkiosk/internal/cli"
	"hallkiosk/platform/systemd"
)

func init() {
	app.Register(cli.Command{
		Name:    "serve",
		Summary: "serve the device API, the call stream and the staff console",
		Run:     runServe,
	})
}

func runServe(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "serve",
		"hallcenter serve --data DIR --listen ADDR [--tls-cert F --tls-key F] "+
			"[--demo [--demo-time T]]")
	data := fs.String("data", "", "data directory (center.db, admin.token); required")
	listen := fs.String("listen", "127.0.0.1:8440",
		"address to listen on; plain HTTP only on loopback")
	cert := fs.String("tls-cert", "", "TLS certificate file")
	key := fs.String("tls-key", "", "TLS key file")
	tokenFile := fs.String("admin-token-file", "", "admin token file (default DATA/admin.token)")
	useDemo := fs.Bool("demo", false, "start on the embedded demo hall and knowledge base")
	demoTime := fs.String("demo-time", "", "with --demo: start the clock at this RFC 3339 time "+
		"(to try the hall outside its opening hours)")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *data == "" {
		return cli.Usage("--data is required")
	}
	if err := center.CheckListen(*listen, *cert != "" || *key != ""); err != nil {
		return cli.ConfigError(err)
	}
	opts := center.Options{Dir: *data, Log: env.Log}
	if *demoTime != "" {
		start, err := time.Parse(time.RFC3339, *demoTime)
		if err != nil || !*useDemo {
			return cli.Usage("--demo-time wants --demo and an RFC 3339 time")
		}
		opts.Clock = center.NewShiftedClock(start)
	}
	eng, err := center.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer eng.Close()
	if *useDemo && eng.CurrentHall() == nil {
		if _, _, err := eng.LoadFiles(ctx, demo.Hall, demo.Knowledge); err != nil {
			return err
		}
	}
	if *tokenFile == "" {
		*tokenFile = filepath.Join(*data, "admin.token")
	}
	token, err := center.AdminToken(*tokenFile)
	if err != nil {
		return cli.ConfigError(err)
	}
	env.Log.Info("admin token", "file", *tokenFile)
	con, closeCon, err := openConsole(ctx, env, eng, *data, *cert != "")
	if err != nil {
		return err
	}
	defer closeCon()
	srv := center.NewServer(eng, token, env.Log)
	// Under systemd (Type=notify, WatchdogSec) the center reports ready once
	// it listens, and keeps the watchdog fed while it answers its own
	// /healthz; outside systemd the watchdog returns at once.
	ready := func(addr string) {
		wd := &systemd.Watchdog{Alive: healthProbe(addr, *cert != ""), Log: env.Log}
		go wd.Run(ctx)
	}
	return srv.ListenAndServe(ctx, center.ServeOptions{Listen: *listen, CertFile: *cert,
		KeyFile: *key, Console: con.Handler(), Ready: ready})
}

// healthProbe asks the center's /healthz through the socket it serves on,
// so a center whose HTTP side is wedged stops feeding the watchdog. Over
// TLS the certificate is not checked: the probe talks to its own process
// and sends nothing secret.
func healthProbe(addr string, useTLS bool) func(context.Context) bool {
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1" // listening on every address: ask over loopback
		}
		addr = net.JoinHostPort(host, port)
	}
	scheme := "http"
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if useTLS {
		scheme = "https"
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	}
	client := &http.Client{Transport: tr}
	url := scheme + "://" + addr + "/healthz"
	return func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false
		}
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
}

// openConsole opens DATA/console.db and the staff console; accounts come
// from 'hallcenter user add'.
func openConsole(ctx context.Context, env *cli.Env, eng *center.Engine, dir string,
	tls bool) (*console.Console, func(), error) {
	st, err := console.OpenStore(ctx, dir, 0)
	if err != nil {
		return nil, nil, err
	}
	con, err := console.New(ctx, console.Options{Engine: eng, Store: st, Log: env.Log,
		Secure: tls})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if users, _ := st.Users(ctx); len(users) == 0 {
		env.Log.Warn("no console accounts: run 'hallcenter user add --role admin NAME'")
	}
	return con, func() { st.Close() }, nil
}
