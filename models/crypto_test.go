package models_test

import (
	"bytes"
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestCredentialsAreEncryptedAtRest(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	a, _ := s.CreateAccount(ctx, "Shop", "", "USD")
	c := models.Connection{AccountID: a.ID, Platform: "shopify", ExternalID: "demo.myshopify.com", Status: models.ConnectionActive}
	if err := s.SetCredentials(&c, models.Credentials{"access_token": "shpat_secret_123"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	var raw []byte
	s.DB().Raw("SELECT credentials FROM connections WHERE id = ?", c.ID).Scan(&raw)
	if len(raw) == 0 || bytes.Contains(raw, []byte("shpat_secret_123")) {
		t.Fatalf("token stored in clear or not at all: %q", raw)
	}
	got, err := s.GetConnection(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.ReadCredentials(got)
	if err != nil || creds["access_token"] != "shpat_secret_123" {
		t.Fatalf("read back %v %v", creds, err)
	}
	other, _ := models.NewCipher(testdb.Key())
	if _, err := other.Decrypt(raw); err == nil {
		t.Fatal("another key decrypted the credentials")
	}
	tampered := append([]byte{}, raw...)
	tampered[len(tampered)-1] ^= 1
	if _, err := s.ReadCredentials(&models.Connection{Credentials: tampered}); err == nil {
		t.Fatal("altered ciphertext was accepted")
	}
}
