// Start GOV.UK Frontend's components (menus, error summary focus, password reveal…).
// Loaded as a module, so browsers too old for GOV.UK Frontend skip it and get the plain pages.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
