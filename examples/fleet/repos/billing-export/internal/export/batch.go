package export

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Batch is one file handed to the finance provider.
type Batch struct {
	Month    string
	Invoices []Invoice
}

// Upload writes the batch to the provider's SFTP inbox.
func (e *Exporter) Upload(ctx context.Context, b Batch) error {
	start := time.Now()
	name := fmt.Sprintf("acme-cloud-%s-%03d.csv", b.Month, e.seq.Next())
	if err := e.sftp.Put(ctx, e.cfg.Provider.RemoteDir+"/"+name, b.CSV()); err != nil {
		return fmt.Errorf("finance provider rejected batch %s: %w", name, err)
	}
	slog.Info("batch uploaded", "file", name, "invoices", len(b.Invoices), "took", time.Since(start))
	return nil
}
