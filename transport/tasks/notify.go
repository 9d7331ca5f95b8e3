package tasks

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/internal/ids"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

// Notify maps AWS's messaging integrations onto NATS subjects, so definitions written for AWS
// run unchanged:
//
//	sns:publish       TopicArn  arn:aws:sns:R:A:TOPIC      → <prefix>.sns.TOPIC     body: Message
//	sqs:sendMessage   QueueUrl  https://…/A/QUEUE           → <prefix>.sqs.QUEUE     body: MessageBody
//	events:putEvents  Entries[i].EventBusName (or default)  → <prefix>.events.BUS    body: the EventBridge event
//
// Names are encoded as wire.SubjectToken does. A message is published through JetStream (and
// acknowledged) when a stream captures its subject, so a durable queue is one `nats stream add`
// away; otherwise it is a core NATS publish, like SNS to a topic without subscribers.
type Notify struct {
	NC     *nats.Conn
	JS     jetstream.JetStream
	Layout wire.Layout

	mu      sync.Mutex
	streams map[string]streamLookup // subject → whether a stream captures it, briefly cached
}

type streamLookup struct {
	stored bool
	at     time.Time
}

// captured reports whether a stream stores subject (cached for 10 s). A JetStream publish to a
// subject without a stream would wait on plain subscribers that never acknowledge it.
func (n *Notify) captured(ctx context.Context, subject string) bool {
	n.mu.Lock()
	l, ok := n.streams[subject]
	n.mu.Unlock()
	if ok && time.Since(l.at) < 10*time.Second {
		return l.stored
	}
	_, err := n.JS.StreamNameBySubject(ctx, subject)
	l = streamLookup{stored: err == nil, at: time.Now()}
	n.mu.Lock()
	if n.streams == nil {
		n.streams = map[string]streamLookup{}
	}
	n.streams[subject] = l
	n.mu.Unlock()
	return l.stored
}

func (n *Notify) prefix() string {
	if n.Layout.Prefix == "" {
		return wire.DefaultPrefix
	}
	return n.Layout.Prefix
}

// AWS's limits on topic, queue and event bus names. They are checked before a name becomes a
// subject: an unbounded one from a definition or an input would make a subject over the NATS
// server's control-line limit, and the server would close the connection every execution of the
// process shares.
const (
	maxTopicName = 256
	maxQueueName = 80
	maxBusName   = 256
)

// SNSSubject, SQSSubject and EventsSubject give the subjects of the mapping.
func (n *Notify) SNSSubject(topic string) string {
	return n.prefix() + ".sns." + wire.SubjectToken(topic)
}
func (n *Notify) SQSSubject(queue string) string {
	return n.prefix() + ".sqs." + wire.SubjectToken(queue)
}
func (n *Notify) EventsSubject(bus string) string {
	return n.prefix() + ".events." + wire.SubjectToken(bus)
}

// Invoke implements engine.TaskInvoker.
func (n *Notify) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	in := gjson.ParseBytes(req.Input)
	switch {
	case strings.HasSuffix(req.Resource, ":sns:publish"):
		return n.snsPublish(ctx, in)
	case strings.HasSuffix(req.Resource, ":sqs:sendMessage"):
		return n.sqsSend(ctx, in)
	default:
		return n.putEvents(ctx, in)
	}
}

func text(r gjson.Result) string {
	if r.Type == gjson.String {
		return r.Str
	}
	return r.Raw
}

func (n *Notify) publish(ctx context.Context, m *nats.Msg) error {
	tracectx.Inject(ctx, m.Header)
	if n.JS != nil && n.captured(ctx, m.Subject) {
		_, err := n.JS.PublishMsg(ctx, m)
		return err
	}
	return n.NC.PublishMsg(m)
}

func (n *Notify) snsPublish(ctx context.Context, in gjson.Result) ([]byte, error) {
	target := in.Get("TopicArn").String()
	if target == "" {
		target = in.Get("TargetArn").String()
	}
	if target == "" {
		target = in.Get("PhoneNumber").String()
	}
	msgR := in.Get("Message")
	rid := ids.New()
	if target == "" || !msgR.Exists() || msgR.Type == gjson.Null {
		return nil, &failure.Error{Name: "SNS.InvalidParameterException", Cause: "Invalid parameter: " +
			map[bool]string{true: "Message", false: "TopicArn or TargetArn"}[target != ""] +
			" (Service: Sns; Status Code: 400; Error Code: InvalidParameter; Request ID: " + rid + "; Proxy: null)"}
	}
	topic := target
	if a, ok := parseArn(target); ok {
		topic = a.resource
	}
	if len(topic) > maxTopicName {
		// AWS's limit, checked before the name becomes a subject (see maxTopicName).
		return nil, &failure.Error{Name: "SNS.InvalidParameterException", Cause: "Invalid parameter: TopicArn" +
			" (Service: Sns; Status Code: 400; Error Code: InvalidParameter; Request ID: " + rid + "; Proxy: null)"}
	}
	mid := ids.New()
	m := nats.NewMsg(n.SNSSubject(topic))
	m.Data = []byte(text(msgR))
	m.Header.Set("Sns-Topic-Arn", target)
	m.Header.Set("Sns-Message-Id", mid)
	if s := in.Get("Subject"); s.Exists() {
		m.Header.Set("Sns-Subject", s.String())
	}
	in.Get("MessageAttributes").ForEach(func(k, v gjson.Result) bool {
		m.Header.Set(k.String(), v.Get("StringValue").String())
		return true
	})
	if err := n.publish(ctx, m); err != nil {
		return nil, &failure.Error{Name: "SNS.SdkClientException", Cause: err.Error()}
	}
	meta, resp := sdkMeta(rid, "text/xml", 294, nil, true)
	b, _ := json.Marshal(struct {
		MessageId           string
		SdkHttpMetadata     json.RawMessage
		SdkResponseMetadata json.RawMessage
	}{mid, meta, resp})
	return b, nil
}

func (n *Notify) sqsSend(ctx context.Context, in gjson.Result) ([]byte, error) {
	rid := ids.New()
	qurl := in.Get("QueueUrl").String()
	body := in.Get("MessageBody")
	if !body.Exists() || body.Type == gjson.Null {
		return nil, &failure.Error{Name: "SQS.AmazonSQSException", Cause: "The request must contain the parameter MessageBody. (Service: AmazonSQS; Status Code: 400; Error Code: MissingParameter; Request ID: " + rid + "; Proxy: null)"}
	}
	if qurl == "" {
		return nil, &failure.Error{Name: "SQS.AmazonSQSException", Cause: "The request must contain the parameter QueueUrl. (Service: AmazonSQS; Status Code: 400; Error Code: MissingParameter; Request ID: " + rid + "; Proxy: null)"}
	}
	queue := qurl
	if u, err := url.Parse(qurl); err == nil && u.Path != "" {
		queue = u.Path[strings.LastIndexByte(u.Path, '/')+1:]
	}
	if len(queue) > maxQueueName {
		return nil, &failure.Error{Name: "SQS.QueueDoesNotExistException", Cause: "The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: AWS.SimpleQueueService.NonExistentQueue; Request ID: " + rid + "; Proxy: null)"}
	}
	data := []byte(text(body))
	mid := ids.New()
	m := nats.NewMsg(n.SQSSubject(queue))
	m.Data = data
	m.Header.Set("Sqs-Queue-Url", qurl)
	m.Header.Set("Sqs-Message-Id", mid)
	if g := in.Get("MessageGroupId"); g.Exists() {
		m.Header.Set("Sqs-Message-Group-Id", g.String())
	}
	if d := in.Get("MessageDeduplicationId"); d.Exists() {
		m.Header.Set(wire.HeaderMsgID, d.String())
	}
	in.Get("MessageAttributes").ForEach(func(k, v gjson.Result) bool {
		m.Header.Set(k.String(), v.Get("StringValue").String())
		return true
	})
	if err := n.publish(ctx, m); err != nil {
		return nil, &failure.Error{Name: "SQS.SdkClientException", Cause: err.Error()}
	}
	sum := md5.Sum(data)
	meta, resp := sdkMeta(rid, "application/x-amz-json-1.0", 106, nil, true)
	b, _ := json.Marshal(struct {
		MD5OfMessageBody    string
		MessageId           string
		SdkHttpMetadata     json.RawMessage
		SdkResponseMetadata json.RawMessage
	}{hex.EncodeToString(sum[:]), mid, meta, resp})
	return b, nil
}

type eventEntry struct {
	EventID string `json:"EventId,omitempty"`
	Code    string `json:"ErrorCode,omitempty"`
	Message string `json:"ErrorMessage,omitempty"`
}

func (n *Notify) putEvents(ctx context.Context, in gjson.Result) ([]byte, error) {
	entries := in.Get("Entries").Array()
	out := make([]eventEntry, 0, len(entries))
	failed := 0
	for _, e := range entries {
		detail := e.Get("Detail")
		var detailRaw json.RawMessage
		switch {
		case detail.Type == gjson.String && gjson.Valid(detail.Str) && gjson.Parse(detail.Str).IsObject():
			detailRaw = json.RawMessage(detail.Str)
		case detail.IsObject():
			detailRaw = json.RawMessage(detail.Raw)
		default:
			failed++
			out = append(out, eventEntry{Code: "MalformedDetail", Message: "Detail is malformed."})
			continue
		}
		bus := e.Get("EventBusName").String()
		if bus == "" {
			bus = "default"
		} else if a, ok := parseArn(bus); ok {
			bus = strings.TrimPrefix(a.resource, "event-bus/")
		}
		if len(bus) > maxBusName {
			failed++
			out = append(out, eventEntry{Code: "ValidationException", Message: "EventBusName is longer than 256 characters."})
			continue
		}
		id := ids.New()
		resources := json.RawMessage("[]")
		if r := e.Get("Resources"); r.IsArray() {
			resources = json.RawMessage(r.Raw)
		}
		ev, _ := json.Marshal(struct {
			Version    string          `json:"version"`
			ID         string          `json:"id"`
			DetailType string          `json:"detail-type"`
			Source     string          `json:"source"`
			Account    string          `json:"account"`
			Time       string          `json:"time"`
			Region     string          `json:"region"`
			Resources  json.RawMessage `json:"resources"`
			Detail     json.RawMessage `json:"detail"`
		}{"0", id, e.Get("DetailType").String(), e.Get("Source").String(), n.Layout.AccountOrDefault(),
			time.Now().UTC().Format("2006-01-02T15:04:05Z"), n.Layout.RegionOrDefault(), resources, detailRaw})
		m := nats.NewMsg(n.EventsSubject(bus))
		m.Data = ev
		m.Header.Set(wire.HeaderMsgID, id)
		if err := n.publish(ctx, m); err != nil {
			failed++
			out = append(out, eventEntry{Code: "InternalFailure", Message: err.Error()})
			continue
		}
		out = append(out, eventEntry{EventID: id})
	}
	b, _ := json.Marshal(struct {
		Entries          []eventEntry
		FailedEntryCount int
	}{out, failed})
	return b, nil
}
