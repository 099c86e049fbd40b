package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"
)

// NonceStore keeps single-use values (OAuth state) with a time to live.
type NonceStore interface {
	Put(ctx context.Context, key string, ttl time.Duration) error
	// Take consumes key: true the first time within its TTL, false after.
	Take(ctx context.Context, key string) (bool, error)
}

// RedisNonces is a NonceStore on Redis: SET NX with expiry, GETDEL to take.
type RedisNonces struct {
	rdb    *redis.Client
	prefix string
}

// NewRedisNonces keeps nonces under "codecredit:nonce:".
func NewRedisNonces(rdb *redis.Client) *RedisNonces {
	return &RedisNonces{rdb: rdb, prefix: "codecredit:nonce:"}
}

// Put stores key for ttl; a key already present is an error.
func (n *RedisNonces) Put(ctx context.Context, key string, ttl time.Duration) error {
	ok, err := n.rdb.SetNX(ctx, n.prefix+key, "1", ttl).Result()
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("handlers: nonce already exists")
	}
	return nil
}

// Take consumes key once.
func (n *RedisNonces) Take(ctx context.Context, key string) (bool, error) {
	_, err := n.rdb.GetDel(ctx, n.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return err == nil, err
}

// stateCookie ties an OAuth state to the browser that starts the flow: a
// cookie holding the state's hash, sent back only under path (the flow's
// callback), for ttl. SameSite=Lax lets it ride on the provider's
// redirect back, a top-level GET.
type stateCookie struct {
	name, path string
	ttl        time.Duration
	secure     bool
}

// bind sets the cookie for state.
func (s stateCookie) bind(c echo.Context, state string) {
	c.SetCookie(&http.Cookie{Name: s.name, Value: stateHash(state), Path: s.path, MaxAge: int(s.ttl / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// bound reports whether the request carries bind's cookie for state, so a
// state started in one browser cannot be completed from another (a link
// sent to a victim, say). The cookie is left to expire: it names a state
// that works once anyway.
func (s stateCookie) bound(c echo.Context, state string) bool {
	ck, err := c.Cookie(s.name)
	if err != nil {
		return false
	}
	return state != "" && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(stateHash(state))) == 1
}

func stateHash(state string) string {
	sum := sha256.Sum256([]byte("codecredit oauth state\x00" + state))
	return hex.EncodeToString(sum[:])
}
