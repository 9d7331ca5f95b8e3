package awsapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// maxSkew is how far a request's X-Amz-Date may be from the server's clock, as in AWS.
const maxSkew = 15 * time.Minute

// verifySigV4 checks an AWS Signature Version 4 Authorization header against the configured
// credentials (access key id → secret). The region and service in the credential scope are
// taken as the client sent them: stepjet answers for any region.
func verifySigV4(r *http.Request, body []byte, creds map[string]string, now time.Time) *Error {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return &Error{Status: http.StatusBadRequest, Name: "MissingAuthenticationTokenException", Message: "Missing Authentication Token"}
	}
	algo, rest, _ := strings.Cut(auth, " ")
	if algo != "AWS4-HMAC-SHA256" {
		return incomplete("Unsupported authorization algorithm: " + algo)
	}
	fields := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok {
			fields[k] = v
		}
	}
	cred, signed, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if cred == "" || signed == "" || sig == "" {
		return incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return incomplete("Credential should be scoped to a valid region, service and 'aws4_request'")
	}
	secret, ok := creds[scope[0]]
	if !ok {
		return &Error{Status: http.StatusBadRequest, Name: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header")
	}
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException",
			Message: "Signature expired: " + amzDate + " is now earlier or later than the allowed 15 minutes from " + now.UTC().Format("20060102T150405Z") + "."}
	}
	if scope[1] != amzDate[:8] {
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException", Message: "Credential should be scoped to a valid date: " + amzDate[:8]}
	}
	want := signature(r, body, secret, amzDate, scope, strings.Split(signed, ";"))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException",
			Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	return nil
}

func incomplete(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Name: "IncompleteSignatureException", Message: msg}
}

// signature computes the hex SigV4 signature of r as the client must have.
func signature(r *http.Request, body []byte, secret, amzDate string, scope []string, signed []string) string {
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canon.WriteString(path + "\n")
	canon.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			v = strings.Join(r.Header.Values(h), ",")
		}
		canon.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	canon.WriteString("\n" + strings.Join(signed, ";") + "\n")
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = hexSHA256(body)
	}
	canon.WriteString(payload)

	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(scope[1:], "/") + "\n" + hexSHA256([]byte(canon.String()))
	k := hmacSHA256([]byte("AWS4"+secret), scope[1])
	for _, part := range scope[2:] {
		k = hmacSHA256(k, part)
	}
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape percent-encodes everything but the unreserved characters, as SigV4 requires.
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
