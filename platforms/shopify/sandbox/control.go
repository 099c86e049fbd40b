package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The control API: what a merchant or a customer would do in Shopify,
// over HTTP under /_sandbox/ so a demo page can click it, and a small page
// at /_sandbox/ that does. It has no authentication: the sandbox is for
// local use only.

func (s *Sandbox) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sandbox/{$}", s.controlPage)
	mux.HandleFunc("GET /_sandbox/shops", s.ctl(s.ctlShops))
	mux.HandleFunc("POST /_sandbox/shops", s.ctl(s.ctlAddShop))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/seed", s.ctl(s.ctlSeed))
	mux.HandleFunc("GET /_sandbox/shops/{shop}/discounts", s.ctl(s.ctlDiscounts))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/discounts", s.ctl(s.ctlCreateDiscount))
	mux.HandleFunc("PUT /_sandbox/shops/{shop}/discounts/{id}", s.ctl(s.ctlUpdateDiscount))
	mux.HandleFunc("DELETE /_sandbox/shops/{shop}/discounts/{id}", s.ctl(s.ctlDeleteDiscount))
	mux.HandleFunc("GET /_sandbox/shops/{shop}/products", s.ctl(s.ctlProducts))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/products", s.ctl(s.ctlAddProduct))
	mux.HandleFunc("PUT /_sandbox/shops/{shop}/products/{id}/collections", s.ctl(s.ctlMoveProduct))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/orders", s.ctl(s.ctlPlaceOrder))
	mux.HandleFunc("GET /_sandbox/shops/{shop}/orders/{id}", s.ctl(s.ctlOrder))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/orders/{id}/refunds", s.ctl(s.ctlRefund))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/orders/{id}/cancel", s.ctl(s.ctlCancel))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/orders/{id}/disputes", s.ctl(s.ctlOpenDispute))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/disputes/{id}", s.ctl(s.ctlUpdateDispute))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/contracts", s.ctl(s.ctlCreateContract))
	mux.HandleFunc("PUT /_sandbox/shops/{shop}/contracts/{id}", s.ctl(s.ctlUpdateContract))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/contracts/{id}/renew", s.ctl(s.ctlRenewContract))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/contracts/{id}/status", s.ctl(s.ctlContractStatus))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/uninstall", s.ctl(s.ctlUninstall))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/customers/data_request", s.ctl(s.ctlDataRequest))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/customers/redact", s.ctl(s.ctlRedactCustomer))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/redact", s.ctl(s.ctlRedactShop))
	mux.HandleFunc("POST /_sandbox/shops/{shop}/session_token", s.ctl(s.ctlSessionToken))
	mux.HandleFunc("GET /_sandbox/deliveries", s.ctl(s.ctlDeliveries))
	mux.HandleFunc("POST /_sandbox/deliveries/{id}/redeliver", s.ctl(s.ctlRedeliver))
	s.storeCreditRoutes(mux)
}

type ctlHandler func(r *http.Request) (int, any, error)

// ctl answers a control call as JSON; unknown shops and objects are 404,
// other refusals 422.
func (s *Sandbox) ctl(h ctlHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := h(r)
		switch {
		case errors.Is(err, ErrUnknownShop), errors.Is(err, ErrNotFound):
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		case err != nil:
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, status, body)
		}
	}
}

// decode reads a JSON body into v; an empty body leaves v as it is.
func decode(r *http.Request, v any) error {
	err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, ErrNotFound
	}
	return id, nil
}

func (s *Sandbox) ctlShops(*http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []ShopPayload{}
	for _, sh := range s.shops {
		out = append(out, shopPayload(sh))
	}
	return http.StatusOK, map[string]any{"shops": out}, nil
}

func (s *Sandbox) ctlAddShop(r *http.Request) (int, any, error) {
	var in struct {
		Domain   string `json:"domain"`
		Currency string `json:"currency"`
		Codes    int    `json:"codes"`
	}
	if err := decode(r, &in); err != nil || in.Domain == "" {
		return 0, nil, errors.New("sandbox: a shop needs a domain")
	}
	sh := s.AddShop(in.Domain, in.Currency)
	if in.Codes > 0 {
		if err := s.SeedDiscounts(sh.Domain, in.Codes); err != nil {
			return 0, nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return http.StatusCreated, shopPayload(sh), nil
}

func (s *Sandbox) ctlSeed(r *http.Request) (int, any, error) {
	in := struct {
		Codes int `json:"codes"`
	}{Codes: 50}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int{"codes": in.Codes}, s.SeedDiscounts(r.PathValue("shop"), in.Codes)
}

func (s *Sandbox) ctlDiscounts(r *http.Request) (int, any, error) {
	list, err := s.Discounts(r.PathValue("shop"))
	return http.StatusOK, map[string]any{"discounts": list}, err
}

func (s *Sandbox) ctlCreateDiscount(r *http.Request) (int, any, error) {
	var spec DiscountSpec
	if err := decode(r, &spec); err != nil {
		return 0, nil, err
	}
	d, err := s.CreateDiscount(r.PathValue("shop"), spec)
	return http.StatusCreated, d, err
}

func (s *Sandbox) ctlUpdateDiscount(r *http.Request) (int, any, error) {
	var spec DiscountSpec
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &spec)
	}
	if err != nil {
		return 0, nil, err
	}
	d, err := s.UpdateDiscount(r.PathValue("shop"), id, spec)
	return http.StatusOK, d, err
}

func (s *Sandbox) ctlDeleteDiscount(r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int64{"deleted": id}, s.DeleteDiscount(r.PathValue("shop"), id)
}

func (s *Sandbox) ctlPlaceOrder(r *http.Request) (int, any, error) {
	var spec OrderSpec
	if err := decode(r, &spec); err != nil {
		return 0, nil, err
	}
	id, err := s.PlaceOrder(r.PathValue("shop"), spec)
	return http.StatusCreated, map[string]int64{"order_id": id}, err
}

func (s *Sandbox) ctlOrder(r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	o, err := s.Order(r.PathValue("shop"), id)
	return http.StatusOK, o, err
}

func (s *Sandbox) ctlRefund(r *http.Request) (int, any, error) {
	var spec RefundSpec
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &spec)
	}
	if err != nil {
		return 0, nil, err
	}
	rid, err := s.Refund(r.PathValue("shop"), id, spec)
	return http.StatusCreated, map[string]int64{"refund_id": rid}, err
}

func (s *Sandbox) ctlCancel(r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int64{"cancelled": id}, s.Cancel(r.PathValue("shop"), id)
}

func (s *Sandbox) ctlUninstall(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]string{"uninstalled": r.PathValue("shop")}, s.Uninstall(r.PathValue("shop"))
}

type emailBody struct {
	Email string `json:"email"`
}

func (s *Sandbox) ctlDataRequest(r *http.Request) (int, any, error) {
	var in emailBody
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"requested": in.Email}, s.RequestCustomerData(r.PathValue("shop"), in.Email)
}

func (s *Sandbox) ctlRedactCustomer(r *http.Request) (int, any, error) {
	var in emailBody
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"redacted": in.Email}, s.RedactCustomer(r.PathValue("shop"), in.Email)
}

func (s *Sandbox) ctlRedactShop(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]string{"redacted": r.PathValue("shop")}, s.RedactShop(r.PathValue("shop"))
}

func (s *Sandbox) ctlSessionToken(r *http.Request) (int, any, error) {
	in := struct {
		TTLSeconds int `json:"ttl_seconds"`
	}{TTLSeconds: 60}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	_, err := s.shop(r.PathValue("shop"))
	s.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	tok := s.MintSessionToken(r.PathValue("shop"), time.Duration(in.TTLSeconds)*time.Second)
	return http.StatusOK, map[string]string{"token": tok}, nil
}

// deliveryView is a delivery as the control API lists it.
type deliveryView struct {
	Delivery
	Body string `json:"Body"`
}

func (s *Sandbox) ctlDeliveries(*http.Request) (int, any, error) {
	list := s.Deliveries()
	out := make([]deliveryView, len(list))
	for i, d := range list {
		out[i] = deliveryView{Delivery: d, Body: string(d.Body)}
	}
	return http.StatusOK, map[string]any{"deliveries": out}, nil
}

func (s *Sandbox) ctlRedeliver(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]string{"redelivered": r.PathValue("id")}, s.Redeliver(r.PathValue("id"))
}
