package main

import (
	"context"
	"fmt"
	"os"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/internal/cli"
)

func init() {
	app.Register(cli.Command{
		Name:    "hall load",
		Summary: "validate a hall file and publish it as the next hall version",
		Run:     runHallLoad,
	})
	app.Register(cli.Command{
		Name:    "enrol-code",
		Summary: "make a one-time enrolment code for a device",
		Run:     runEnrolCode,
	})
}

func runHallLoad(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "hall load", "hallcenter hall load --data DIR [--knowledge FILE] FILE")
	data := fs.String("data", "", "data directory; required")
	kbPath := fs.String("knowledge", "", "knowledge base file to publish with the hall")
	check := fs.Bool("check", false, "only validate the file")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if fs.NArg() != 1 || (*data == "" && !*check) {
		return cli.Usage("want --data DIR and one hall FILE")
	}
	hallData, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return cli.ConfigError(err)
	}
	var kbData []byte
	if *kbPath != "" {
		if kbData, err = os.ReadFile(*kbPath); err != nil {
			return cli.ConfigError(err)
		}
	}
	if *check {
		if _, err := center.ParseHall(hallData); err != nil {
			return cli.ConfigError(err)
		}
		fmt.Fprintln(env.Stdout, "hall file ok")
		return nil
	}
	return loadHall(ctx, env, *data, hallData, kbData)
}

func loadHall(ctx context.Context, env *cli.Env, dir string, hallData, kbData []byte) error {
	eng, err := center.Open(ctx, center.Options{Dir: dir, Log: env.Log})
	if err != nil {
		return err
	}
	defer eng.Close()
	hv, kv, err := eng.LoadFiles(ctx, hallData, kbData)
	if err != nil {
		return cli.ConfigError(err)
	}
	fmt.Fprintf(env.Stdout, "hall version %d published", hv)
	if kv > 0 {
		fmt.Fprintf(env.Stdout, ", knowledge version %d", kv)
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

func runEnrolCode(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "enrol-code", "hallcenter enrol-code --data DIR --role ROLE --name NAME")
	data := fs.String("data", "", "data directory; required")
	role := fs.String("role", api.RoleKiosk, "kiosk, display or console")
	name := fs.String("name", "", "device name shown in device health")
	ttl := fs.Int("ttl", 60, "minutes the code stays valid")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *data == "" || *name == "" {
		return cli.Usage("want --data DIR and --name NAME")
	}
	eng, err := center.Open(ctx, center.Options{Dir: *data, Log: env.Log})
	if err != nil {
		return err
	}
	defer eng.Close()
	code, err := eng.NewEnrolCode(ctx, api.EnrolCodeRequest{Role: *role, DeviceName: *name,
		TTLMinutes: *ttl})
	if err != nil {
		return cli.Usage("%v", err)
	}
	fmt.Fprintf(env.Stdout, "%s (role %s, valid until %s)\n", code.Code, code.Role,
		code.ExpiresAt.Format("2006-01-02 15:04"))
	return nil
}
