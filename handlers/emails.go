package handlers

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/models/emailtmpl"
)

// EmailQueue hands outbox emails to the workers: the slice of JobQueue
// that sending emails needs (the merchant sign-in links in server use it
// alone). jobs.Client implements it.
type EmailQueue interface {
	EnqueueEmail(ctx context.Context, emailID uint64) error
}

// emailQueueOf is the email side of the job queue, or nil when there is
// none: emails then wait in the outbox for the sweeper.
func emailQueueOf(jobs JobQueue) EmailQueue {
	if jobs == nil {
		return nil
	}
	return jobs
}

// EmailHandlers serve the outbox (/api/v1/emails), explicit code emails,
// and the email settings and templates; CodesAssigned is what the code
// handlers call after giving codes to affiliates.
type EmailHandlers struct {
	store  *models.Store
	queue  EmailQueue
	appURL string
	log    *slog.Logger
}

// NewEmailHandlers prepares the email handlers. jobs sends the emails
// (nil: they wait in the outbox for the sweeper); appURL is APP_URL, where the links
// in emails point.
func NewEmailHandlers(store *models.Store, jobs JobQueue, appURL string, log *slog.Logger) *EmailHandlers {
	if log == nil {
		log = slog.Default()
	}
	return &EmailHandlers{store: store, queue: emailQueueOf(jobs), appURL: appURL, log: log}
}

// CodesAssigned writes and queues the code-assignment emails for codes
// just assigned, created with an affiliate or generated: one email per
// affiliate, however many codes. It never fails the request that gave the
// codes (they are given either way); a failure is logged.
func (h *EmailHandlers) CodesAssigned(ctx context.Context, accountID uint64, codeIDs []uint64) {
	ids, err := h.store.WriteAssignmentEmails(ctx, accountID, codeIDs, h.appURL)
	if err != nil {
		h.log.ErrorContext(ctx, "code-assignment emails not written", "account_id", accountID, "codes", len(codeIDs), "error", err)
		return
	}
	enqueueEmails(ctx, h.queue, h.log, ids)
}

// ListEmails lists the outbox: ?status=queued|sending|sent|failed|held,
// ?kind=, ?affiliate_id=, ?page=, ?per_page=.
func (h *EmailHandlers) ListEmails(c echo.Context) error {
	p, err := queryPaging(c)
	if err != nil {
		return err
	}
	f := models.EmailFilter{Status: models.EmailStatus(c.QueryParam("status")), Kind: c.QueryParam("kind"), Page: p.Page, PerPage: p.PerPage}
	if f.AffiliateID, err = queryUint(c, "affiliate_id"); err != nil {
		return err
	}
	rows, total, err := h.store.ListEmails(c.Request().Context(), account(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, p))
}

// GetEmail shows one email of the outbox, with both parts.
func (h *EmailHandlers) GetEmail(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := h.store.GetEmail(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

// ResendEmail queues an email again (failed, held or sent) and answers 202
// with it.
func (h *EmailHandlers) ResendEmail(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := h.store.ResendEmail(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	enqueueEmails(c.Request().Context(), h.queue, h.log, []uint64{e.ID})
	return c.JSON(http.StatusAccepted, e)
}

// SendAffiliateCodes emails an affiliate all of its active codes again
// and answers 202 with the email.
func (h *EmailHandlers) SendAffiliateCodes(c echo.Context) error {
	affID, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	id, err := h.store.WriteAffiliateCodesEmail(ctx, acct, affID, h.appURL)
	if err != nil {
		return err
	}
	enqueueEmails(ctx, h.queue, h.log, []uint64{id})
	e, err := h.store.GetEmail(ctx, acct, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, e)
}

// GetEmailSettings shows which emails go out, the summary day and the site URL.
func (h *EmailHandlers) GetEmailSettings(c echo.Context) error {
	set, err := h.store.GetEmailSettings(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, set)
}

// UpdateEmailSettings changes the settings sent: {assignment_emails,
// reversal_notices, summaries, summary_day (1-28), site_url} and the
// branding {program_name, logo_url (https), brand_color (#rrggbb),
// reply_to}; a bad branding field is a 400 naming it.
func (h *EmailHandlers) UpdateEmailSettings(c echo.Context) error {
	var in models.EmailSettingsPatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	set, err := h.store.UpdateEmailSettings(c.Request().Context(), account(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, set)
}

// ListEmailTemplates shows every kind's templates, saying which are the shop's own.
func (h *EmailHandlers) ListEmailTemplates(c echo.Context) error {
	out := make([]models.EmailTemplateView, 0, len(emailtmpl.Kinds))
	for _, kind := range emailtmpl.Kinds {
		v, err := h.store.GetEmailTemplate(c.Request().Context(), account(c).ID, kind)
		if err != nil {
			return err
		}
		out = append(out, *v)
	}
	return c.JSON(http.StatusOK, batchOf(out))
}

// GetEmailTemplate shows the templates of :kind (code_assignment,
// earnings_summary, reversal_notice, portal_login).
func (h *EmailHandlers) GetEmailTemplate(c echo.Context) error {
	v, err := h.store.GetEmailTemplate(c.Request().Context(), account(c).ID, c.Param("kind"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// PutEmailTemplate saves the shop's own template of :kind: {subject,
// body}, plain text with the kind's merge tags. An unknown tag is a 400
// naming the field, the tag and the valid ones.
func (h *EmailHandlers) PutEmailTemplate(c echo.Context) error {
	var in emailtmpl.Draft
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := h.store.SaveEmailTemplate(c.Request().Context(), account(c).ID, c.Param("kind"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// DeleteEmailTemplate goes back to the built-in templates of :kind.
func (h *EmailHandlers) DeleteEmailTemplate(c echo.Context) error {
	v, err := h.store.ResetEmailTemplate(c.Request().Context(), account(c).ID, c.Param("kind"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// PreviewEmailTemplate renders {subject, body} (or, with an empty
// request body, the current template) of :kind with sample data and the
// shop's branding, saving nothing.
func (h *EmailHandlers) PreviewEmailTemplate(c echo.Context) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var src *emailtmpl.Draft
	if len(bytes.TrimSpace(body)) > 0 {
		src = &emailtmpl.Draft{}
		if err := decodeStrict(body, src); err != nil {
			return err
		}
	}
	msg, err := h.store.PreviewEmailTemplate(c.Request().Context(), account(c).ID, c.Param("kind"), src)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, msg)
}

// enqueueEmails hands new outbox emails to the workers; a failure is
// logged, and the sweeper sends them later.
func enqueueEmails(ctx context.Context, q EmailQueue, log *slog.Logger, ids []uint64) {
	if q == nil {
		return
	}
	for _, id := range ids {
		if err := q.EnqueueEmail(ctx, id); err != nil {
			log.WarnContext(ctx, "enqueue email; the sweeper will send it", "email_id", id, "error", err)
		}
	}
}
