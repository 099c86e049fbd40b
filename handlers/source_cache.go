package handlers

import (
	"context"
	"sync"
	"time"

	"codecredit/models"
)

// sourceCacheTTL is how long a store's connection is remembered between
// deliveries. A reconnected store with a new webhook secret is looked up
// again as soon as a signature fails against the remembered one.
const (
	sourceCacheTTL = 10 * time.Second
	sourceCacheMax = 50_000
)

type sourceKey struct{ platform, source string }

type cachedConn struct {
	conn    *models.Connection
	expires time.Time
}

// sourceCache remembers which connection a platform's store id belongs to,
// so a burst of deliveries from one store costs one lookup, not one each.
// Only found connections are remembered.
type sourceCache struct {
	mu sync.RWMutex
	m  map[sourceKey]cachedConn
}

// get returns the connection of (platform, source), from memory when
// fresh and allowed, otherwise from the store.
func (c *sourceCache) get(ctx context.Context, store *models.Store, platform, source string, cached bool) (conn *models.Connection, fromCache bool, err error) {
	k, now := sourceKey{platform, source}, time.Now()
	if cached {
		c.mu.RLock()
		e, ok := c.m[k]
		c.mu.RUnlock()
		if ok && now.Before(e.expires) {
			return e.conn, true, nil
		}
	}
	conn, err = store.ConnectionBySource(ctx, platform, source)
	if err != nil {
		c.forget(platform, source)
		return nil, false, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= sourceCacheMax {
		c.m = make(map[sourceKey]cachedConn)
	}
	c.m[k] = cachedConn{conn: conn, expires: now.Add(sourceCacheTTL)}
	c.mu.Unlock()
	return conn, false, nil
}

// forget drops what is remembered of (platform, source).
func (c *sourceCache) forget(platform, source string) {
	c.mu.Lock()
	delete(c.m, sourceKey{platform, source})
	c.mu.Unlock()
}
