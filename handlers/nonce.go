package handlers

import (
	"context"
	"errors"
	"time"

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
