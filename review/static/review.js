// Pantau review: keyboard shortcuts and small conveniences. No inline script anywhere (the CSP
// forbids it); everything below works on the server-rendered forms, which also work without JS.
//   j / k  next / previous story      o / Enter  open it      / search
//   r / x / f  mark the current story (or the open article) relevant / not relevant / follow up
(function () {
  "use strict";
  var KEY = "pantau.row";
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }

  function select(index) {
    var all = rows();
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    all[current].scrollIntoView({ block: "nearest" });
    all[current].setAttribute("aria-current", "true");
  }

  function markForm() {
    var all = rows();
    if (all.length && current >= 0) { return all[current].querySelector("form.mark"); }
    return document.getElementById("mark-form");
  }

  function mark(key) {
    var form = markForm();
    if (!form) { return; }
    var button = form.querySelector('button[data-key="' + key + '"]');
    if (!button) { return; }
    try { sessionStorage.setItem(KEY, String(Math.max(current, 0))); } catch (e) { /* private mode */ }
    if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
  }

  function open() {
    var all = rows();
    if (current < 0 || !all[current]) { return; }
    var link = all[current].querySelector("a.open");
    if (link) { window.location.href = link.href; }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "o": open(); break;
      case "Enter":
        if (/^(A|BUTTON|SUMMARY)$/.test(event.target.tagName)) { handled = false; } else { open(); }
        break;
      case "r": case "x": case "f": mark(event.key); break;
      case "/": var q = document.getElementById("q"); if (q) { q.focus(); q.select(); } break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var saved = null;
    try { saved = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { /* ignore */ }
    if (saved !== null && rows().length) { select(parseInt(saved, 10) || 0); }
    rows().forEach(function (row, i) {
      row.addEventListener("click", function (e) { if (e.target.tagName !== "A" && e.target.tagName !== "BUTTON") { select(i); } });
    });
    var all = document.getElementById("pick-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll("input.pick").forEach(function (box) { box.checked = all.checked; });
      });
    }
    var printer = document.querySelector("[data-print]");
    if (printer) { printer.addEventListener("click", function () { window.print(); }); }
  });
}());
