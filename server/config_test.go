package main

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

var (
	key32    = []byte("0123456789abcdef0123456789abcdef")
	keyHex   = hex.EncodeToString(key32)
	keyB64   = base64.StdEncoding.EncodeToString(key32)
	keyB64U  = base64.RawURLEncoding.EncodeToString(key32)
	key16B64 = base64.StdEncoding.EncodeToString(key32[:16])
)

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.AppURL != "http://localhost:8080" || c.DataDir != "./data" ||
		c.WorkerConcurrency != 4 || c.LogLevel != "info" || c.LogFormat != "json" {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = LoadConfig([]string{"PORT=9090", "APP_URL=https://cc.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9090 || c.AppURL != "https://cc.example.com" {
		t.Fatalf("port and app url: %+v", c)
	}
	if c, _ = LoadConfig([]string{"PORT=9090"}); c.AppURL != "http://localhost:9090" {
		t.Fatalf("APP_URL follows PORT: %q", c.AppURL)
	}
}

func TestLoadConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		wantErr string // substring; empty means valid
	}{
		{"empty env", nil, ""},
		{"everything set", []string{
			"PORT=3000", "APP_URL=https://cc.example.com", "DATABASE_URL=postgres://u:p@db:5432/cc?sslmode=require",
			"REDIS_URL=rediss://:pw@cache:6380/1", "ENCRYPTION_KEY=" + keyB64, "DATA_DIR=/var/lib/cc",
			"SMTP_URL=smtps://u:p@mail.example.com:465", "MAIL_FROM=Shop <shop@example.com>",
			"SHOPIFY_API_KEY=k", "SHOPIFY_API_SECRET=s", "SHOPIFY_BASE_URL=http://127.0.0.1:9000",
			"STRIPE_CLIENT_ID=ca_1", "STRIPE_SECRET_KEY=sk_test_1", "STRIPE_WEBHOOK_SECRET=whsec_1",
			"STRIPE_BASE_URL=http://127.0.0.1:9001", "PADDLE_BASE_URL=https://sandbox.example.com",
			"LOG_LEVEL=DEBUG", "LOG_FORMAT=text", "WORKER_CONCURRENCY=16"}, ""},
		{"postgresql scheme", []string{"DATABASE_URL=postgresql://localhost/cc"}, ""},
		{"hex key", []string{"ENCRYPTION_KEY=" + keyHex}, ""},
		{"url-safe unpadded key", []string{"ENCRYPTION_KEY=" + keyB64U}, ""},
		{"port not a number", []string{"PORT=http"}, "PORT must be a whole number"},
		{"port zero", []string{"PORT=0"}, "PORT must be between 1 and 65535"},
		{"port too big", []string{"PORT=70000"}, "PORT must be between 1 and 65535"},
		{"app url relative", []string{"APP_URL=/app"}, "APP_URL must be an absolute http(s) URL"},
		{"app url ftp", []string{"APP_URL=ftp://example.com"}, "APP_URL must be an absolute http(s) URL"},
		{"database mysql", []string{"DATABASE_URL=mysql://localhost/cc"}, "DATABASE_URL must start with postgres:// or postgresql://"},
		{"database bare dsn", []string{"DATABASE_URL=host=localhost dbname=cc"}, "DATABASE_URL must start with"},
		{"database no host", []string{"DATABASE_URL=postgres:///cc"}, "DATABASE_URL has no host"},
		{"metrics token", []string{"METRICS_TOKEN=0123456789abcdef"}, ""},
		{"metrics token short", []string{"METRICS_TOKEN=secret"}, "METRICS_TOKEN must be at least 16 characters"},
		{"redis http", []string{"REDIS_URL=http://localhost:6379"}, "REDIS_URL must start with redis:// or rediss://"},
		{"redis bare address", []string{"REDIS_URL=localhost:6379"}, "REDIS_URL must start with"},
		{"key too short", []string{"ENCRYPTION_KEY=" + key16B64}, "ENCRYPTION_KEY must be 32 bytes, got 16"},
		{"key garbage", []string{"ENCRYPTION_KEY=not a key!"}, "ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64"},
		{"data dir blank", []string{"DATA_DIR= "}, "DATA_DIR must not be empty"},
		{"smtp http", []string{"SMTP_URL=http://mail", "MAIL_FROM=a@b.co"}, "SMTP_URL must start with smtp:// or smtps://"},
		{"smtp without from", []string{"SMTP_URL=smtp://mail:25"}, "MAIL_FROM is required when SMTP_URL is set"},
		{"mail from invalid", []string{"MAIL_FROM=nobody"}, "MAIL_FROM must be an email address"},
		{"shopify key only", []string{"SHOPIFY_API_KEY=k"}, "SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together"},
		{"shopify secret only", []string{"SHOPIFY_API_SECRET=s"}, "SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together"},
		{"stripe client without secret", []string{"STRIPE_CLIENT_ID=ca_1"}, "STRIPE_SECRET_KEY is required when STRIPE_CLIENT_ID is set"},
		{"shopify base relative", []string{"SHOPIFY_BASE_URL=localhost:9000"}, "SHOPIFY_BASE_URL must be an absolute http(s) URL"},
		{"stripe base no host", []string{"STRIPE_BASE_URL=http://"}, "STRIPE_BASE_URL must be an absolute http(s) URL"},
		{"paddle base scheme", []string{"PADDLE_BASE_URL=ws://x"}, "PADDLE_BASE_URL must be an absolute http(s) URL"},
		{"log level", []string{"LOG_LEVEL=verbose"}, "LOG_LEVEL must be one of debug, info, warn, error"},
		{"log format", []string{"LOG_FORMAT=xml"}, "LOG_FORMAT must be json or text"},
		{"concurrency zero", []string{"WORKER_CONCURRENCY=0"}, "WORKER_CONCURRENCY must be between 1 and 256"},
		{"concurrency not a number", []string{"WORKER_CONCURRENCY=many"}, "WORKER_CONCURRENCY must be a whole number"},
		{"metrics port out of range", []string{"METRICS_PORT=70000"}, "METRICS_PORT must be a TCP port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(tt.env)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("want error containing %q, got none", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("want error containing %q, got %q", tt.wantErr, err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	_, err := LoadConfig([]string{"PORT=0", "REDIS_URL=x", "SHOPIFY_API_KEY=k"})
	if err == nil {
		t.Fatal("want errors")
	}
	for _, name := range []string{"PORT", "REDIS_URL", "SHOPIFY_API_KEY"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestConfigKey(t *testing.T) {
	for _, v := range []string{keyHex, keyB64, keyB64U, " " + keyHex + "\n"} {
		c := Config{EncryptionKey: v}
		k, err := c.Key()
		if err != nil || string(k) != string(key32) {
			t.Errorf("Key(%q) = %x, %v", v, k, err)
		}
	}
	if k, err := (Config{}).Key(); k != nil || err != nil {
		t.Errorf("empty key: %x, %v", k, err)
	}
}
