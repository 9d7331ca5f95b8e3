package tasks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// DefaultDeny are the addresses HTTP tasks may not reach unless told otherwise: link-local
// networks, where every cloud serves its instance metadata and credentials
// (169.254.169.254 on AWS, GCP and Azure; fd00:ec2::254 on AWS over IPv6), and the other
// well-known metadata addresses (Alibaba Cloud's 100.100.100.200, Azure's wire server
// 168.63.129.16). A workflow author who can name an endpoint must not be able to make the
// executor hand them its host's cloud credentials.
var DefaultDeny = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("168.63.129.16/32"),
}

// HTTPPolicy says which addresses HTTP tasks may connect to. It is checked on the address
// actually dialled, after name resolution and on every redirect hop, so a host name that
// resolves (or is re-bound) to a refused address is refused too. The zero value refuses
// DefaultDeny and allows everything else, loopback and private networks included.
type HTTPPolicy struct {
	// Allow, when not empty, is the only set of addresses allowed (Deny still applies).
	Allow []netip.Prefix
	// Deny is refused in addition to DefaultDeny.
	Deny []netip.Prefix
	// NoDefaultDeny drops DefaultDeny, for a deployment that means to reach link-local hosts.
	NoDefaultDeny bool
}

// ErrAddressRefused is the cause of a connection the policy refused.
var ErrAddressRefused = errors.New("refused by the HTTP task address policy")

// Check returns nil when addr may be dialled.
func (p *HTTPPolicy) Check(addr netip.Addr) error {
	addr = addr.Unmap()
	in := func(set []netip.Prefix) bool {
		for _, pr := range set {
			if pr.Contains(addr) {
				return true
			}
		}
		return false
	}
	switch {
	case !p.NoDefaultDeny && in(DefaultDeny):
		return fmt.Errorf("%w: %s is a link-local or cloud metadata address (stepjet serve --http-task-deny)", ErrAddressRefused, addr)
	case in(p.Deny):
		return fmt.Errorf("%w: %s is denied (stepjet serve --http-task-deny)", ErrAddressRefused, addr)
	case len(p.Allow) > 0 && !in(p.Allow):
		return fmt.Errorf("%w: %s is not in the allowed addresses (stepjet serve --http-task-allow)", ErrAddressRefused, addr)
	}
	return nil
}

// control is a net.Dialer Control function: it runs after resolution, on the very address
// the socket is about to connect to, which is what defeats DNS re-binding.
func (p *HTTPPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse the address %q", ErrAddressRefused, address)
	}
	return p.Check(ap.Addr())
}

// maxRedirects is how many redirects an HTTP task follows before answering with the last
// redirect response itself.
const maxRedirects = 5

// followRedirect follows a redirect only within maxRedirects hops and never from https to
// http; otherwise the redirect response is the task's result (a 3xx fails the task with
// States.Http.StatusCode.3xx, which a Catch can handle). Each hop is dialled through the
// policy like the first.
func followRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return http.ErrUseLastResponse
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return http.ErrUseLastResponse
	}
	return nil
}

// newHTTPClient returns the client HTTP tasks use: direct connections through p (HTTP_PROXY is
// not used: a proxy would connect to the refused addresses on our behalf) and followRedirect.
func newHTTPClient(p *HTTPPolicy) *http.Client {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: t, CheckRedirect: followRedirect}
}
