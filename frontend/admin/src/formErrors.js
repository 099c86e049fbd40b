// Form errors from the API: a validation error that names its field
// ({"error": "...", "field": "email"}) is shown under that field; any
// other error stays a banner above the form.

/**
 * Splits an API error for a form with the given fields: {fields: {name:
 * message}, general: error or null}.
 */
export function formErrors(error, fields) {
  if (!error) return { fields: {}, general: null };
  const field = error.body && error.body.field;
  if (field && fields.includes(field)) {
    return { fields: { [field]: sentence(error.message) }, general: null };
  }
  return { fields: {}, general: error };
}

/** "email is taken" → "Email is taken". */
function sentence(text) {
  const s = String(text || '');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
