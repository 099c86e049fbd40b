package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// experimentHandlers serve the discount experiments' API under /api/v1.
type experimentHandlers struct {
	store     *models.Store
	appURL    string
	redirects *LinkRedirects
}

// experimentView is an experiment with the address of its link.
type experimentView struct {
	models.ExperimentView
	URL string `json:"url"`
}

func (h *experimentHandlers) view(e *models.ExperimentView) experimentView {
	return experimentView{ExperimentView: *e, URL: h.appURL + "/r/" + e.Slug}
}

// ListExperiments lists the account's experiments, newest first.
func (h *experimentHandlers) ListExperiments(c echo.Context) error {
	es, err := h.store.ListExperiments(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	out := make([]experimentView, len(es))
	for i := range es {
		out[i] = h.view(&es[i])
	}
	return c.JSON(http.StatusOK, batchOf(out))
}

// GetExperiment shows one experiment.
func (h *experimentHandlers) GetExperiment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := h.store.GetExperiment(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.view(e))
}

// CreateExperiment starts an experiment: {"name", "affiliate_id",
// "code_ids": [2 to 4 ids, the control first], "slug", "baseline_rate",
// "min_lift"}.
func (h *experimentHandlers) CreateExperiment(c echo.Context) error {
	var in models.ExperimentInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e, err := h.store.CreateExperiment(c.Request().Context(), account(c).ID, in)
	if err != nil {
		return err
	}
	h.redirects.forget(e.Slug)
	return c.JSON(http.StatusCreated, h.view(e))
}

// StopExperiment stops an experiment; its link then sends everyone to
// the winner, or to the first variant when there is none. Codes stay.
func (h *experimentHandlers) StopExperiment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := h.store.StopExperiment(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	h.redirects.forget(e.Slug)
	return c.JSON(http.StatusOK, h.view(e))
}

// GetExperimentReport reports each variant's visitors, orders,
// conversion rate with its 95% interval and net revenue per visitor, and
// the test's verdict.
func (h *experimentHandlers) GetExperimentReport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := h.store.ExperimentReport(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		*models.ExperimentReport
		URL string `json:"url"`
	}{r, h.appURL + "/r/" + r.Experiment.Slug})
}
