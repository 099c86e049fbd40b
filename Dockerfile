# Codecredit's container image: one static binary (web and worker, the
# admin and portal built in), the CA bundle, a non-root user, nothing else.
#
# The image is built FROM scratch from a context that .ci/image-context
# prepares (it compiles the binary with CGO_ENABLED=0), so no base image is
# pulled:
#
#   bash .ci/image-context build/image
#   buildah bud --format docker -t codecredit -f Dockerfile build/image
#   # or: docker build -t codecredit -f Dockerfile build/image
#
# Run it with compose.yaml (PostgreSQL and Redis beside it), or alone on
# the embedded defaults (SQLite and Redis in process, kept in /data).
FROM scratch

COPY etc/passwd etc/group /etc/
COPY etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --chown=65532:65532 data /data
COPY --chown=65532:65532 data /tmp
COPY codecredit /codecredit

USER 65532:65532
WORKDIR /data
ENV DATA_DIR=/data \
    PORT=8080 \
    TMPDIR=/tmp \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/codecredit", "healthcheck"]
ENTRYPOINT ["/codecredit"]
CMD ["all"]
