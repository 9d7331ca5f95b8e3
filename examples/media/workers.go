package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/worker"
)

type document struct {
	Title string `json:"title"`
	HTML  string `json:"html"`
}

// extractText strips the markup from a third-party document.
func extractText(ctx context.Context, in struct {
	MediaID  string   `json:"mediaId"`
	Document document `json:"document"`
}) (map[string]any, error) {
	if in.Document.HTML == "" {
		return nil, worker.Fail("Media.EmptyDocument", "the provider returned no document for "+in.MediaID)
	}
	// Block elements separate words; inline ones (<b>, <i>, <a>, ...) do not.
	inline := map[string]bool{"a": true, "b": true, "i": true, "em": true, "strong": true, "span": true, "code": true}
	var b, tag strings.Builder
	inTag := false
	for _, r := range in.Document.HTML {
		switch {
		case r == '<':
			inTag = true
			tag.Reset()
		case r == '>':
			inTag = false
			name, _, _ := strings.Cut(strings.TrimPrefix(tag.String(), "/"), " ")
			if !inline[strings.ToLower(name)] {
				b.WriteByte(' ')
			}
		case inTag:
			tag.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	return map[string]any{"text": text, "words": len(strings.Fields(text))}, nil
}

// retrieveData reads media from "our own store".
func retrieveData(ctx context.Context, in struct {
	MediaID string `json:"mediaId"`
}) (map[string]any, error) {
	return map[string]any{"mediaId": in.MediaID, "format": "mp4", "durationSeconds": 93, "tags": []string{"demo", "internal"}}, nil
}

// processData derives what the catalogue needs from the stored media.
func processData(ctx context.Context, in struct {
	MediaID string `json:"mediaId"`
	Data    struct {
		Format          string   `json:"format"`
		DurationSeconds int      `json:"durationSeconds"`
		Tags            []string `json:"tags"`
	} `json:"data"`
}) (map[string]any, error) {
	return map[string]any{"catalogued": true, "summary": in.Data.Format + ", " + strconv.Itoa(in.Data.DurationSeconds) + "s, " + strings.Join(in.Data.Tags, "/")}, nil
}

func startWorkers(nc *nats.Conn) (*worker.Service, error) {
	svc, err := worker.New(nc, "media", worker.Options{Description: "media example workers"})
	if err != nil {
		return nil, err
	}
	for name, h := range map[string]worker.Handler{
		"extract-text":  worker.JSON(extractText),
		"retrieve-data": worker.JSON(retrieveData),
		"process-data":  worker.JSON(processData),
	} {
		if err := svc.Handle(name, h); err != nil {
			return nil, err
		}
	}
	return svc, nil
}
