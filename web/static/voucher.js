// The voucher order form: add and remove lines, and show each line's price
// and the total as the user types. The server prices the order again; its
// price is the one charged. Rule O-6: with f FQDNs and w wildcard names a
// certificate costs (f >= 1 ? base + (f - 1) * fqdn : 0) + w * wildcard.
(function () {
  "use strict";
  var form = document.getElementById("voucher-form");
  if (!form) return;
  var lines = document.getElementById("lines");
  var template = document.getElementById("line-template");
  var yen = new Intl.NumberFormat("ja-JP");

  function num(row, name) {
    var el = row.querySelector("[data-field='" + name + "']");
    var n = parseInt(el ? el.value : "", 10);
    return isNaN(n) ? 0 : n;
  }

  function linePrice(row) {
    var opt = row.querySelector("select[data-field='product']").selectedOptions[0];
    if (!opt || !opt.value) return null;
    var q = num(row, "quantity"), f = num(row, "fqdns"), w = num(row, "wildcards");
    var base = +opt.dataset.base, fqdn = +opt.dataset.fqdn, wild = +opt.dataset.wild;
    if (q < 1 || q > 1000) return null;
    if (opt.dataset.names !== "yes") return f + w === 0 ? q * base : null;
    if (f < 0 || w < 0 || f + w < 1 || f + w > 250) return null;
    if (w > 0 && opt.dataset.wildcards !== "yes") return null;
    return q * ((f >= 1 ? base + (f - 1) * fqdn : 0) + w * wild);
  }

  function update() {
    var total = 0, complete = true;
    lines.querySelectorAll(".line").forEach(function (row, i) {
      row.querySelectorAll("[data-field]").forEach(function (el) {
        el.name = "line" + i + "_" + el.dataset.field;
      });
      var opt = row.querySelector("select[data-field='product']").selectedOptions[0];
      var token = row.querySelector("[data-field='ship_token']");
      if (token) token.closest("label").hidden = !(opt && opt.dataset.token === "yes");
      var p = linePrice(row);
      row.querySelector(".line-price").textContent = p === null ? "—" : "¥" + yen.format(p);
      if (p === null) complete = false; else total += p;
    });
    document.getElementById("total").textContent = complete ? "¥" + yen.format(total) : "—";
  }

  document.getElementById("add-line").addEventListener("click", function () {
    lines.appendChild(template.content.firstElementChild.cloneNode(true));
    update();
  });
  lines.addEventListener("click", function (e) {
    if (e.target.classList.contains("remove-line") && lines.querySelectorAll(".line").length > 1) {
      e.target.closest(".line").remove();
      update();
    }
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function () {
    form.querySelector("button[type=submit]").disabled = true;
  });
  update();
})();
