// GOV.UK Frontend's components (error summary focus, navigation toggle); pages work without it.
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
