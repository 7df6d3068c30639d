// The new-quote form: show the product lines or the account credit amount
// for the chosen kind, add and remove lines, and show each line's price and
// the total (tax exclusive) as the user types. The server prices the quote
// again from the contract; its price is the one saved. Rule O-6: with f
// FQDNs and w wildcard names a certificate costs
// (f >= 1 ? base + (f - 1) * fqdn : 0) + w * wildcard.
(function () {
  "use strict";
  var form = document.getElementById("quote-form");
  if (!form) return;
  var lines = document.getElementById("lines");
  var template = document.getElementById("line-template");
  var yen = new Intl.NumberFormat("ja-JP");

  // count reads a whole number as typed: digits with optional separators.
  function count(text) {
    var s = String(text || "").replace(/[,，\s¥円]/g, "").replace(/[０-９]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0xFEE0);
    });
    return /^\d+$/.test(s) ? parseInt(s, 10) : null;
  }

  function field(row, name) {
    var el = row.querySelector("[data-field='" + name + "']");
    return el ? count(el.value) : null;
  }

  function linePrice(row) {
    var opt = row.querySelector("select[data-field='product']").selectedOptions[0];
    if (!opt || !opt.value) return null;
    var q = field(row, "quantity"), f = field(row, "fqdns"), w = field(row, "wildcards");
    if (q === null || f === null || w === null || q < 1 || q > 1000) return null;
    var base = +opt.dataset.base, fqdn = +opt.dataset.fqdn, wild = +opt.dataset.wild;
    if (opt.dataset.names !== "yes") return f + w === 0 ? q * base : null;
    if (f + w < 1 || f + w > 250) return null;
    if (w > 0 && opt.dataset.wildcards !== "yes") return null;
    return q * ((f >= 1 ? base + (f - 1) * fqdn : 0) + w * wild);
  }

  function kind() {
    var checked = form.querySelector("input[name='kind']:checked");
    return checked ? checked.value : "";
  }

  function productTotal() {
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
    return complete ? total : null;
  }

  function update() {
    var k = kind();
    form.querySelectorAll("section[data-kind]").forEach(function (s) {
      s.hidden = s.dataset.kind !== k;
    });
    var total = productTotal();
    if (k === "credit") total = count(document.getElementById("f-credit").value);
    document.getElementById("total").textContent = total === null || total < 1 ? "—" : "¥" + yen.format(total);
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
