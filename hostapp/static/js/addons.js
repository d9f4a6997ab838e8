// Add-ons page: confirm dialog with the dry-run plan, then the package job's live log.
(function () {
  "use strict";

  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const { el, button } = window.splynxModal;

  function showJob(title, question, data) {
    const holder = el("div");
    holder.innerHTML = data.panel;  // rendered by the server from the job_panel macro
    const panel = holder.querySelector("[data-job-url]");
    const close = button("Close", "", window.splynxModal.close);
    const root = window.splynxModal.open({ title: title, body: [el("p", "", question), panel], width: 720,
                                           footer: [close] });
    root.dataset.reloadOnClose = "1";  // the catalog shows the new state after the dialog closes
    panel.addEventListener("job-finished", function (ev) {
      close.classList.add(ev.detail.status === "failed" ? "btn-danger" : "btn-primary");
    });
    window.splynxWatchJob(panel);
  }

  function start(trigger, ok, cancel, planBox) {
    ok.disabled = true;
    cancel.disabled = true;
    fetch(trigger.dataset.actionUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch", "Accept": "application/json" },
      body: new URLSearchParams({ confirm: "1" }),  // the server starts only confirmed jobs
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("the server answered " + r.status))))
      .then(function (data) {
        window.splynxModal.close();  // the confirm dialog gives way to the job's dialog
        showJob(trigger.dataset.title, trigger.dataset.question, data);
      })
      .catch(function (err) {
        planBox.replaceChildren(el("div", "alert alert-error", "The job could not be started: " + err.message));
        cancel.disabled = false;
      });
  }

  function confirmAction(trigger) {
    const planBox = el("div", "plan-box");
    const cancel = button("No, cancel", "", window.splynxModal.close);
    const ok = button("OK, confirm", "btn-primary", () => start(trigger, ok, cancel, planBox));
    window.splynxModal.open({
      title: trigger.dataset.title, width: 640, footer: [cancel, ok],
      body: [el("p", "", trigger.dataset.question), planBox],
    });
    if (!trigger.dataset.planUrl) return;
    ok.disabled = true;
    planBox.append(el("p", "muted", "Calculating what will change …"));
    fetch(trigger.dataset.planUrl, { headers: { "X-Requested-With": "fetch" } })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error("the server answered " + r.status))))
      .then(function (html) {
        planBox.innerHTML = html;  // rendered and escaped by the server
        ok.disabled = !planBox.querySelector("[data-plan-ok]");
      })
      .catch((err) => planBox.replaceChildren(el("div", "alert alert-error", "No plan: " + err.message)));
  }

  document.addEventListener("click", function (ev) {
    const trigger = ev.target.closest("[data-package-action]");
    if (!trigger) return;
    ev.preventDefault();
    ev.stopPropagation();
    confirmAction(trigger);
  }, true);
})();
