// splynx-icharge: the new-card fields show only while "Pay with" is "A new card".
(function () {
  "use strict";
  document.querySelectorAll("select[data-pay-with]").forEach(function (select) {
    const fields = document.getElementById(select.dataset.payWith);
    if (!fields) return;
    const sync = function () { fields.hidden = select.value !== "new"; };
    select.addEventListener("change", sync);
    sync();
  });
})();
