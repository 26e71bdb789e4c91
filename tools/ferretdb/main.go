// Command ferretdb runs an embedded FerretDB (a MongoDB-wire-compatible server) for LogStream's local runs and tests
// on machines where no mongod is available. It is a thin wrapper over github.com/FerretDB/FerretDB/ferretdb.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "storage backend: sqlite or postgresql")
	sqliteDir := flag.String("sqlite-dir", "./ferretdb-data", "directory for SQLite files (sqlite backend)")
	pgURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/ferretdb", "PostgreSQL URL (postgresql backend)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  *handler,
	}
	switch *handler {
	case "sqlite":
		if err := os.MkdirAll(*sqliteDir, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "cannot create %s: %v\n", *sqliteDir, err)
			os.Exit(1)
		}
		cfg.SQLiteURL = "file:" + *sqliteDir + "/"
	case "postgresql":
		cfg.PostgreSQLURL = *pgURL
	default:
		fmt.Fprintf(os.Stderr, "unknown -handler %q (sqlite or postgresql)\n", *handler)
		os.Exit(2)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go func() {
		// Printed only once the listener is up, so a parent process can wait for this line.
		fmt.Printf("ferretdb listening on %s (%s)\n", *listen, *handler)
	}()

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
