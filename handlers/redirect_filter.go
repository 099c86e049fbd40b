package handlers

import (
	"net/http"
	"strings"
)

// Why a visit is not counted (the redirect still answers).
const (
	skipHead     = "head"     // link checkers and unfurlers asking for headers only
	skipPrefetch = "prefetch" // browsers and mail apps fetching ahead of a click
	skipBot      = "bot"      // crawlers, link previews, scripts
)

// botMarkers are User-Agent substrings (matched in lower case) of crawlers,
// link-preview fetchers, uptime and link checkers, and HTTP libraries:
// their fetches are not visits. An empty User-Agent counts as a bot too.
var botMarkers = []string{
	// search engines and AI crawlers
	"googlebot", "google-inspectiontool", "adsbot-google", "mediapartners-google", "bingbot", "bingpreview",
	"yandex", "baiduspider", "duckduckbot", "applebot", "petalbot", "bytespider", "gptbot", "chatgpt-user",
	"claudebot", "perplexitybot", "ccbot", "ahrefsbot", "semrushbot", "mj12bot", "dotbot",
	// link previews in chat and social apps
	"slackbot", "slack-imgproxy", "facebookexternalhit", "facebookcatalog", "meta-externalagent", "twitterbot",
	"linkedinbot", "discordbot", "telegrambot", "whatsapp", "skypeuripreview", "redditbot", "pinterest",
	"embedly", "iframely", "vkshare", "quora link preview", "mastodon", "microsoft office", "ms-office",
	// checkers, monitors and scripts
	"uptimerobot", "pingdom", "statuscake", "site24x7", "w3c_validator", "w3c-checklink", "linkchecker",
	"curl/", "wget/", "python-requests", "python-urllib", "aiohttp", "go-http-client", "java/", "okhttp/",
	"axios/", "node-fetch", "libwww-perl", "httpclient", "headlesschrome", "phantomjs", "lighthouse",
	// the generic words most other robots use
	"bot/", "bot;", "bot)", "crawler", "spider", "preview",
}

// uncounted says why a request to a link is not a visit, or "".
func uncounted(r *http.Request) string {
	if r.Method == http.MethodHead {
		return skipHead
	}
	for _, h := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		v := strings.ToLower(r.Header.Get(h))
		if strings.Contains(v, "prefetch") || strings.Contains(v, "prerender") || strings.Contains(v, "preview") {
			return skipPrefetch
		}
	}
	ua := strings.ToLower(r.UserAgent())
	if strings.TrimSpace(ua) == "" {
		return skipBot
	}
	for _, m := range botMarkers {
		if strings.Contains(ua, m) {
			return skipBot
		}
	}
	return ""
}
