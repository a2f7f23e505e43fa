// Starts GOV.UK Frontend and MoJ Frontend components, and again for content htmx swaps in.
import { initAll as govukInitAll } from "../dist/govuk-frontend.min.js";
import { initAll as mojInitAll } from "../dist/moj-frontend.min.js";

govukInitAll();
mojInitAll();

document.addEventListener("htmx:afterSwap", (event) => {
  const scope = event.target;
  if (scope instanceof Element) {
    govukInitAll({ scope });
    mojInitAll({ scope });
  }
});
