# stepjet's image for those who build with Docker or BuildKit. It is kept equivalent to the image
# `go run -C build/image . --out stepjet.tar` builds with no daemon (build/image checks the
# entrypoint, command, user, working directory and environment match): a static binary on scratch,
# uid/gid 65532, a CA bundle for HTTPS tasks, OCI labels.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) --build-arg REVISION=$(git rev-parse HEAD) -t stepjet .

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -buildid=" -o /rootfs/stepjet ./cmd/stepjet \
 && mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp \
 && chmod 1777 /rootfs/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' > /rootfs/etc/group

FROM scratch
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="stepjet" \
      org.opencontainers.image.description="AWS Step Functions Express workflows on NATS JetStream" \
      org.opencontainers.image.source="https://github.com/stepjet/stepjet" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /rootfs/ /
ENV PATH=/ SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /tmp
EXPOSE 8083
ENTRYPOINT ["/stepjet"]
CMD ["serve", "--http-addr=0.0.0.0:8083"]
