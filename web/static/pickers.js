// Pickers (issue 16.1: no ids typed or pasted): a search box and a result list fill the hidden input the form
// posts. Searches are POSTs with a JSON body, so a name or ID number never appears in a URL or a log line.
(function () {
  "use strict";

  function csrfToken(el) {
    var form = el.closest("form");
    var input = (form && form.querySelector("input[name=csrf_token]")) || document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function post(el, url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(el), "Accept": "application/json"},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {error: el.dataset.failed}; }).then(function (data) {
        data.ok = response.ok;
        return data;
      });
    });
  }

  function say(box, text, link, linkText) {
    var message = box.querySelector("[data-picker-message]");
    message.textContent = text || "";
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = linkText;
      a.className = "picker-purpose";
      message.appendChild(document.createTextNode(" "));
      message.appendChild(a);
    }
  }

  function shown(subject) {
    return subject.name + " · " + subject.masked_id + " · " + subject.kind;
  }

  // --- subject search: fills `hidden` with the chosen subject's id and tells listeners --------------------------
  function subjectSearch(box, hidden, chosen) {
    var query = box.querySelector("[data-picker-query]");
    var results = box.querySelector("[data-picker-results]");
    var button = box.querySelector("[data-picker-search]");
    function choose(subject) {
      hidden.value = subject.id;
      chosen.textContent = shown(subject);
      results.innerHTML = "";
      query.value = "";
      hidden.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function search() {
      say(box, "");
      results.innerHTML = "";
      post(box, box.dataset.searchUrl, {q: query.value}).then(function (data) {
        if (!data.ok) { say(box, data.error); return; }
        if (!data.subjects.length) { say(box, box.dataset.none); return; }
        data.subjects.forEach(function (subject) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button";
          b.className = "picker-choice";
          b.textContent = shown(subject);
          b.addEventListener("click", function () { choose(subject); });
          li.appendChild(b);
          results.appendChild(li);
        });
      });
    }
    button.addEventListener("click", search);
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }  // never submits the form around it
    });
  }

  // --- the push form's measures: only those that apply to the chosen source (HA-4.2) ----------------------------
  function offerMeasures(box, ids) {
    var select = box.dataset.measures ? document.getElementById(box.dataset.measures) : null;
    if (!select) { return; }
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var applies = ids.indexOf(option.value) >= 0;
      option.hidden = !applies;
      option.disabled = !applies;
      if (applies && first === null) { first = option; }
    });
    if (select.selectedOptions.length === 0 || select.selectedOptions[0].disabled) {
      select.value = first ? first.value : "";
    }
  }

  // --- item list: a chosen subject's open items as radio buttons or checkboxes -----------------------------------
  function itemList(box, hidden, chosenSubject) {
    var list = box.querySelector("[data-picker-items]");
    var multiple = box.dataset.multiple === "1";
    function selected() { return hidden.value.split(/[\s,]+/).filter(Boolean); }
    function render(items) {
      list.innerHTML = "";
      var keep = selected();
      if (!items.length) { say(box, box.dataset.noItems); }
      items.forEach(function (item) {
        var li = document.createElement("li");
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = multiple ? "checkbox" : "radio";
        input.name = "pick-" + hidden.name;
        input.setAttribute("form", "picker-none");  // not posted: the hidden input carries the choice
        input.value = item.id;
        input.checked = keep.indexOf(item.id) >= 0;
        input.addEventListener("change", function () {
          var ticked = Array.prototype.filter.call(list.querySelectorAll("input"), function (i) { return i.checked; });
          hidden.value = ticked.map(function (i) { return i.value; }).join(" ");
          if (item.measures !== undefined) { offerMeasures(box, item.measures.split(" ").filter(Boolean)); }
        });
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + item.label));
        li.appendChild(label);
        list.appendChild(li);
      });
      hidden.value = selected().filter(function (id) {
        return items.some(function (item) { return item.id === id; });
      }).join(" ");
    }
    return function load(body) {
      say(box, "");
      list.innerHTML = "";
      body.kind = box.dataset.kind;
      body.next = window.location.pathname + (body.subject_id ? "?subject_id=" + body.subject_id : "");
      post(box, box.dataset.itemsUrl, body).then(function (data) {
        if (data.purpose_url) { say(box, data.error, data.purpose_url, box.dataset.purpose); return; }
        if (!data.ok) { say(box, data.error); return; }
        if (chosenSubject && data.subject) {
          chosenSubject.textContent = shown(data.subject);
          var own = box.querySelector("[data-picker-subject]");
          if (own) { own.value = data.subject.id; }
        }
        render(data.items);
      });
    };
  }

  function setUpSubject(box) {
    subjectSearch(box, box.querySelector("[data-picker-value]"), box.querySelector("[data-picker-chosen]"));
  }

  function setUpItems(box) {
    var hidden = box.querySelector("[data-picker-value]");
    var from = box.dataset.subjectFrom ? document.getElementById(box.dataset.subjectFrom) : null;
    var own = box.querySelector("[data-picker-subject]");
    var chosen = box.querySelector("[data-picker-chosen]");
    var load = itemList(box, hidden, from ? null : chosen);
    var subject = from || own;
    if (!from) { subjectSearch(box, own, chosen); }
    subject.addEventListener("change", function () {
      hidden.value = "";
      if (subject.value) { load({subject_id: subject.value}); }
    });
    var first = hidden.value.split(/[\s,]+/).filter(Boolean)[0];
    if (subject.value) {
      load({subject_id: subject.value});
    } else if (first) {
      load({item_id: first});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker=subject]").forEach(setUpSubject);
    document.querySelectorAll("[data-picker=items]").forEach(setUpItems);
  });
})();
