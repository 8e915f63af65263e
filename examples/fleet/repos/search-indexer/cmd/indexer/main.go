// Command indexer copies changed help-centre articles and tickets into
// OpenSearch.
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/acme-cloud/search-indexer/internal/index"
)

func main() {
	interval := flag.Duration("interval", 5*time.Minute, "time between runs")
	bulk := flag.Int("bulk-size", 1000, "documents per _bulk request")
	metrics := flag.String("metrics-listen", ":8067", "metrics address")
	flag.Parse()

	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("service", "search-indexer")
	go http.ListenAndServe(*metrics, promhttp.Handler())

	ix := index.New(os.Getenv("OPENSEARCH_URL"), *bulk, log)
	for range time.Tick(*interval) {
		if err := ix.RunOnce(); err != nil {
			log.Error("indexing run failed", "err", err)
		}
	}
}
