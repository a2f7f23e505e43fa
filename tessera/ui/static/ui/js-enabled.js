// Marks the page as having JavaScript before it renders (GOV.UK Frontend's convention), without inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
