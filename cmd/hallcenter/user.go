package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"hallkiosk/center/console"
	"hallkiosk/internal/cli"
)

func init() {
	app.Register(cli.Command{
		Name:    "user add",
		Summary: "create a console account (staff, leader or admin); password from a prompt or stdin",
		Run:     runUserAdd,
	})
	app.Register(cli.Command{
		Name:    "user passwd",
		Summary: "set a console account's password and end its sessions",
		Run:     runUserPasswd,
	})
	app.Register(cli.Command{
		Name:    "user list",
		Summary: "list console accounts",
		Run:     runUserList,
	})
}

func runUserAdd(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "user add", "hallcenter user add --data DIR --role staff|leader|admin NAME")
	data := fs.String("data", "", "data directory holding console.db; required")
	role := fs.String("role", console.RoleStaff, "staff, leader or admin")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *data == "" || fs.NArg() != 1 {
		return cli.Usage("want --data DIR and one NAME")
	}
	pw, err := readPassword(env)
	if err != nil {
		return cli.Usage("%v", err)
	}
	st, err := console.OpenStore(ctx, *data, 0)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddUser(ctx, fs.Arg(0), *role, pw, time.Now()); err != nil {
		return cli.Usage("user add: %v", err)
	}
	fmt.Fprintf(env.Stdout, "account %s (%s) created\n", fs.Arg(0), *role)
	return nil
}

func runUserPasswd(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "user passwd", "hallcenter user passwd --data DIR NAME")
	data := fs.String("data", "", "data directory holding console.db; required")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *data == "" || fs.NArg() != 1 {
		return cli.Usage("want --data DIR and one NAME")
	}
	pw, err := readPassword(env)
	if err != nil {
		return cli.Usage("%v", err)
	}
	st, err := console.OpenStore(ctx, *data, 0)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetPassword(ctx, fs.Arg(0), pw); err != nil {
		return cli.Usage("user passwd: %v", err)
	}
	fmt.Fprintf(env.Stdout, "password of %s set\n", fs.Arg(0))
	return nil
}

func runUserList(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "user list", "hallcenter user list --data DIR")
	data := fs.String("data", "", "data directory holding console.db; required")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *data == "" {
		return cli.Usage("want --data DIR")
	}
	st, err := console.OpenStore(ctx, *data, 0)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		fmt.Fprintf(env.Stdout, "%s\t%s\n", u.Name, u.Role)
	}
	return nil
}

// readPassword prompts twice without echo on a terminal, or reads one line
// from stdin when it is a pipe (for scripts: echo "$PW" | hallcenter ...).
func readPassword(env *cli.Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptTwice(env, int(f.Fd()))
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on stdin")
	}
	return pw, nil
}

func promptTwice(env *cli.Env, fd int) (string, error) {
	fmt.Fprint(env.Stderr, "password: ")
	a, err := term.ReadPassword(fd)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(env.Stderr, "again: ")
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(a) != string(b) {
		return "", errors.New("the two passwords differ")
	}
	return string(a), nil
}
