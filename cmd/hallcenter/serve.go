package main

import (
	"context"
	"path/filepath"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/console"
	"hallkiosk/center/demo"
	"hallkiosk/internal/cli"
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
	listen := fs.String("listen", "127.0.0.1:8440", "address to listen on; plain HTTP only on loopback")
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
	return srv.ListenAndServe(ctx, center.ServeOptions{Listen: *listen, CertFile: *cert,
		KeyFile: *key, Console: con.Handler()})
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
