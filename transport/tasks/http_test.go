package tasks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
)

func httpTask(t *testing.T, h *HTTP, endpoint string) ([]byte, *failure.Error) {
	t.Helper()
	out, err := h.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::http:invoke",
		Input: []byte(`{"ApiEndpoint":"` + endpoint + `","Method":"GET"}`)})
	if err == nil {
		return out, nil
	}
	var fe *failure.Error
	if !errors.As(err, &fe) {
		t.Fatalf("%s: %v is not a failure.Error", endpoint, err)
	}
	return nil, fe
}

func wantRefused(t *testing.T, fe *failure.Error, what string) {
	t.Helper()
	if fe == nil || fe.Name != "States.Http.Socket" || !strings.Contains(fe.Cause, ErrAddressRefused.Error()) {
		t.Errorf("%s: %+v, want States.Http.Socket refused by the policy", what, fe)
	}
}

// The zero HTTP refuses the cloud metadata endpoint; the refusal happens at dial time, on the
// resolved address, so a name that resolves to a refused address (DNS re-binding) and a redirect
// to one are refused too. Loopback stays reachable by default.
func TestHTTPTaskAddressPolicy(t *testing.T) {
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/loop":
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			http.Redirect(w, r, srvURL+"/loop?n="+strconv.Itoa(n+1), http.StatusFound)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer srv.Close()
	srvURL = srv.URL

	var h HTTP
	if _, fe := httpTask(t, &h, srv.URL+"/"); fe != nil {
		t.Fatalf("loopback is allowed by default: %+v", fe)
	}
	_, fe := httpTask(t, &h, "http://169.254.169.254/latest/meta-data/iam/")
	wantRefused(t, fe, "the metadata address")
	_, fe = httpTask(t, &h, "http://[fd00:ec2::254]/latest/meta-data/")
	wantRefused(t, fe, "the IPv6 metadata address")
	_, fe = httpTask(t, &h, srv.URL+"/to-metadata")
	wantRefused(t, fe, "a redirect to the metadata address")

	// A redirect loop ends after 5 hops with the redirect as the (failed) result.
	_, fe = httpTask(t, &h, srv.URL+"/loop?n=0")
	if fe == nil || fe.Name != "States.Http.StatusCode.302" {
		t.Errorf("a redirect loop: %+v", fe)
	}

	// A name is checked by what it resolves to, at connect time.
	u, _ := url.Parse(srv.URL)
	byName := "http://localhost:" + u.Port() + "/"
	noLoopback := &HTTP{Policy: HTTPPolicy{Deny: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	_, fe = httpTask(t, noLoopback, byName)
	wantRefused(t, fe, "localhost with loopback denied")

	onlyTen := &HTTP{Policy: HTTPPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	_, fe = httpTask(t, onlyTen, srv.URL+"/")
	wantRefused(t, fe, "loopback outside the allow list")
}

// The policy compares addresses in their plain form: an IPv4-mapped IPv6 address is the IPv4
// address it maps.
func TestHTTPPolicyUnmapsAddresses(t *testing.T) {
	var p HTTPPolicy
	for _, a := range []string{"::ffff:169.254.169.254", "169.254.170.2", "fe80::1", "100.100.100.200"} {
		if err := p.Check(netip.MustParseAddr(a)); !errors.Is(err, ErrAddressRefused) {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []string{"127.0.0.1", "10.1.2.3", "::1", "93.184.216.34"} {
		if err := p.Check(netip.MustParseAddr(a)); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	if err := (&HTTPPolicy{NoDefaultDeny: true}).Check(netip.MustParseAddr("169.254.169.254")); err != nil {
		t.Errorf("NoDefaultDeny: %v", err)
	}
}

func TestHTTPRedirectRule(t *testing.T) {
	req := func(s string) *http.Request { r, _ := http.NewRequest("GET", s, nil); return r }
	if err := followRedirect(req("http://b/"), []*http.Request{req("https://a/")}); !errors.Is(err, http.ErrUseLastResponse) {
		t.Errorf("https → http followed: %v", err)
	}
	if err := followRedirect(req("https://b/"), []*http.Request{req("http://a/")}); err != nil {
		t.Errorf("http → https refused: %v", err)
	}
}

// A response body is read only up to the payload limit: a 16 MiB error page fails the task
// with its status and a cause of a few KiB; an oversized success is States.DataLimitExceeded.
func TestHTTPTaskBoundsTheResponseBody(t *testing.T) {
	big := strings.Repeat("x", 16<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"s":"` + big[:300<<10] + `"}`))
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(big))
	}))
	defer srv.Close()
	var h HTTP
	_, fe := httpTask(t, &h, srv.URL+"/fail")
	if fe == nil || fe.Name != "States.Http.StatusCode.500" || len(fe.Cause) > 40<<10 || !strings.Contains(fe.Cause, "truncated") {
		t.Errorf("a 16 MiB 500: %s, cause of %d bytes", fe.Name, len(fe.Cause))
	}
	_, fe = httpTask(t, &h, srv.URL+"/ok")
	if fe == nil || fe.Name != failure.DataLimitExceeded {
		t.Errorf("a 300 KiB 200: %+v", fe)
	}
}
