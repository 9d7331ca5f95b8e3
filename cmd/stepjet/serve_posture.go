package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
)

// isLoopback reports whether a listen address (host:port) accepts only local clients. An empty
// host or an unspecified address (0.0.0.0, ::) listens on every interface; a host name other
// than localhost is taken as reachable from elsewhere.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// apiCredentialsSet reports whether the API verifies SigV4 (the API's mount reads the same
// variables).
func apiCredentialsSet() bool {
	return os.Getenv(envAccessKey) != "" && os.Getenv(envSecretKey) != ""
}

// warnPosture says loudly, at start, where serve is open to anyone who can reach it: an API on
// a non-loopback address without credentials, an embedded NATS server likewise, and an embedded
// NATS server without credentials behind an API that requires them (the NATS side reaches
// everything the API guards: definitions, starts, results).
func warnPosture(log *slog.Logger, httpAddr string, natsListen string, embeddedAuth, embedding bool) {
	apiAuth := apiCredentialsSet()
	if !apiAuth && !isLoopback(httpAddr) {
		log.Warn("SECURITY: the API listens on a non-loopback address without credentials: anyone who can reach it can create, run and delete state machines; set "+
			envAccessKey+" and "+envSecretKey+" (docs/security.md)", "addr", httpAddr)
	}
	if !embedding || embeddedAuth {
		return
	}
	if !isLoopback(natsListen) {
		log.Warn("SECURITY: the embedded NATS server listens on a non-loopback address without credentials: anyone who can reach it can rewrite definitions, start executions and read or purge results; set --user/--password or --nkey (docs/security.md)",
			"addr", natsListen)
	} else if apiAuth {
		log.Warn("SECURITY: the API requires SigV4 but the embedded NATS server accepts any local client, which reaches the same definitions, starts and results; set --user/--password or --nkey to require credentials there too (docs/security.md)",
			"addr", natsListen)
	}
}

// prefixList is a repeatable flag of comma-separated IPs or CIDRs; "none" stands for the empty
// list (and says the defaults are not wanted).
type prefixList struct {
	prefixes []netip.Prefix
	none     bool
}

func (l *prefixList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(l.prefixes))
	for i, p := range l.prefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (l *prefixList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
		case s == "none":
			l.none = true
		case strings.Contains(s, "/"):
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return err
			}
			l.prefixes = append(l.prefixes, p.Masked())
		default:
			a, err := netip.ParseAddr(s)
			if err != nil {
				return fmt.Errorf("%q is neither an IP address nor a CIDR", s)
			}
			l.prefixes = append(l.prefixes, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return nil
}
