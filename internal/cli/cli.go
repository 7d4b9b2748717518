// Package cli is the small command dispatcher the three binaries share:
// multi-word subcommands ("selftest printer"), --help at every level,
// `version`, global logging flags, and exit codes that systemd can act on.
// Each subcommand lives in its own file of its main package and registers
// itself, so a main stays a table of wiring.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"hallkiosk/internal/buildinfo"
	"hallkiosk/platform/logging"
)

// Exit codes, documented for operators and systemd units.
const (
	ExitOK      = 0
	ExitFailure = 1  // the command ran and failed (a check, a device)
	ExitUsage   = 2  // bad flags or arguments
	ExitConfig  = 78 // EX_CONFIG: the configuration is wrong; restarting will not help
)

// ExitError carries an exit code with the error to print.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Usage wraps err as a usage error (exit 2).
func Usage(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// ConfigError wraps err as a configuration error (exit 78).
func ConfigError(err error) error { return &ExitError{Code: ExitConfig, Err: err} }

// Env is what a command receives.
type Env struct {
	Args   []string // arguments after the command's name
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Log    *slog.Logger
}

// Command is one subcommand.
type Command struct {
	Name    string // one or more words: "serve", "selftest printer"
	Summary string // one line for the command list
	Run     func(ctx context.Context, env *Env) error
}

// App is a binary's set of commands.
type App struct {
	Name    string
	Summary string
	cmds    map[string]Command
}

// Register adds a command; mains call it from init functions.
func (a *App) Register(c Command) {
	if a.cmds == nil {
		a.cmds = map[string]Command{}
	}
	if _, dup := a.cmds[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	a.cmds[c.Name] = c
}

// Lookup returns the command registered under name.
func (a *App) Lookup(name string) (Command, bool) {
	c, ok := a.cmds[name]
	return c, ok
}

// Main runs the app with os.Args and exits.
func (a *App) Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := a.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run dispatches args and returns the exit code. Tests call it directly.
func (a *App) Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet(a.Name, flag.ContinueOnError)
	global.SetOutput(io.Discard)
	logFormat := global.String("log-format", "text", "log format: text or json")
	logLevel := global.String("log-level", "info", "log level: debug, info, warn or error")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			a.help(stdout, global)
			return ExitOK
		}
		fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
		return ExitUsage
	}
	rest := global.Args()
	if len(rest) == 0 || rest[0] == "help" {
		a.help(stdout, global)
		if len(rest) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if rest[0] == "version" {
		fmt.Fprintln(stdout, buildinfo.String(a.Name))
		return ExitOK
	}
	cmd, n, ok := a.lookup(rest)
	if !ok {
		if group := a.group(rest[0]); len(group) > 0 {
			fmt.Fprintf(stderr, "%s %s: name one of:\n", a.Name, rest[0])
			for _, c := range group {
				fmt.Fprintf(stderr, "  %-22s %s\n", c.Name, c.Summary)
			}
			return ExitUsage
		}
		fmt.Fprintf(stderr, "%s: unknown command %q (see %s --help)\n", a.Name, rest[0], a.Name)
		return ExitUsage
	}
	log, err := logging.New(stderr, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
		return ExitUsage
	}
	env := &Env{Args: rest[n:], Stdout: stdout, Stderr: stderr, Stdin: stdin, Log: log}
	if err := cmd.Run(ctx, env); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		fmt.Fprintf(stderr, "%s %s: %v\n", a.Name, cmd.Name, err)
		var ee *ExitError
		if errors.As(err, &ee) {
			return ee.Code
		}
		return ExitFailure
	}
	return ExitOK
}

// lookup finds the longest registered name that prefixes args.
func (a *App) lookup(args []string) (Command, int, bool) {
	for n := min(len(args), 3); n > 0; n-- {
		if c, ok := a.cmds[strings.Join(args[:n], " ")]; ok {
			return c, n, true
		}
	}
	return Command{}, 0, false
}

func (a *App) group(first string) []Command {
	var out []Command
	for name, c := range a.cmds {
		if strings.HasPrefix(name, first+" ") {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (a *App) help(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintf(w, "%s: %s\n\nUsage: %s [--log-format text|json] [--log-level LEVEL] COMMAND [flags]\n\nCommands:\n", a.Name, a.Summary, a.Name)
	names := make([]string, 0, len(a.cmds))
	for name := range a.cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-22s %s\n", name, a.cmds[name].Summary)
	}
	fmt.Fprintf(w, "  %-22s %s\n", "version", "print the version and commit")
	fmt.Fprintf(w, "\nRun '%s COMMAND --help' for a command's flags.\n", a.Name)
}

// Flags returns a FlagSet for a command that prints its usage to env.Stdout
// on --help and parse errors to env.Stderr.
func Flags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "Usage: %s\n\n", usage)
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(env.Stderr)
	}
	return fs
}

// Parse parses env.Args into fs, turning a parse failure into a usage error.
func Parse(fs *flag.FlagSet, env *Env) error {
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return Usage("%v", err)
	}
	return nil
}
