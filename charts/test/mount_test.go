package charttest

import "testing"

func TestMapMountPath(t *testing.T) {
	paths := map[string]string{
		"/tmp":                     "/tmp/pods/p/tmp",
		"/etc/stepjet/definitions": "/tmp/pods/p/etc/stepjet/definitions",
		"/etc/stepjet":             "/tmp/pods/p/etc/stepjet",
	}
	for _, c := range []struct{ arg, want string }{
		{"--definitions=/etc/stepjet/definitions", "--definitions=/tmp/pods/p/etc/stepjet/definitions"},
		{"--definitions=/etc/stepjet/definitions/a.json", "--definitions=/tmp/pods/p/etc/stepjet/definitions/a.json"},
		{"--data=/tmp", "--data=/tmp/pods/p/tmp"},
		{"--data=/tmpfoo", "--data=/tmpfoo"},
		{"--creds=/etc/stepjet/creds", "--creds=/tmp/pods/p/etc/stepjet/creds"},
		{"--nats-url=nats://x:4222", "--nats-url=nats://x:4222"},
		{"serve", "serve"},
	} {
		// Map order varies from run to run: the answer must not.
		for range 20 {
			if got := mapMountPath(c.arg, paths); got != c.want {
				t.Fatalf("mapMountPath(%q) = %q, want %q", c.arg, got, c.want)
			}
		}
	}
}
