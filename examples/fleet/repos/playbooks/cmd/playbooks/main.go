// Command playbooks serves the incident playbooks API on --listen and its
// Prometheus metrics on --metrics-listen (8067 by convention).
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/acme-cloud/playbooks/internal/api"
	"github.com/acme-cloud/playbooks/internal/buildinfo"
)

func main() {
	listen := flag.String("listen", ":8080", "API address")
	metricsListen := flag.String("metrics-listen", ":8067", "metrics address")
	flag.Parse()

	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("service", "playbooks", "version", buildinfo.Version)
	slog.SetDefault(logger)
	buildinfo.Register("playbooks")

	go func() {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.Handler())
		logger.Info("metrics server listening", "addr", *metricsListen)
		if err := http.ListenAndServe(*metricsListen, mux); err != nil {
			logger.Error("metrics server stopped", "err", err)
			os.Exit(1)
		}
	}()

	srv, err := api.New(logger)
	if err != nil {
		logger.Error("cannot start the API: database configuration is invalid", "err", err)
		os.Exit(1)
	}
	logger.Info("API listening", "addr", *listen)
	if err := http.ListenAndServe(*listen, srv); err != nil {
		logger.Error("API server stopped", "err", err)
		os.Exit(1)
	}
}
