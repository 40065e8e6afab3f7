// The TV board: polls the office's board JSON, redraws the three lists without reloading,
// announces a new call in the aria-live region and, once sound is switched on (browsers need a
// gesture), speaks it with the browser's speech synthesis (vi-VN).
(function () {
  "use strict";
  var root = document.querySelector("[data-board-url]");
  if (!root) return;
  var url = root.getAttribute("data-board-url");
  var seconds = parseInt(root.getAttribute("data-poll-seconds"), 10) || 3;
  var lang = root.getAttribute("data-speech-lang") || "vi-VN";
  var soundButton = root.querySelector("[data-sound-toggle]");
  var latest = root.querySelector("[data-latest]");
  var offline = root.querySelector("[data-offline]");
  var counterWord = root.querySelector("[data-text-counter-word]").content.textContent;
  var noCounter = root.querySelector("[data-text-no-counter]").content.textContent;
  var seen = null; // keys of the calls already shown; null until the first answer
  var soundOn = false;
  var STORE = "hcc.board.sound";

  function fill(template, call) {
    return template.replace("{ticket}", call.ticket).replace("{counter}", String(call.counter));
  }
  // "A012" read as "A, không, một, hai": every character on its own
  function spoken(call) {
    var spelled = call.ticket.split("").join(" ");
    return root.getAttribute("data-say").replace("{ticket}", spelled).replace("{counter}", String(call.counter));
  }
  function speak(text) {
    if (!soundOn || !("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.rate = 0.9;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").indexOf(lang) === 0) {
        utterance.voice = voices[i];
        break;
      }
    }
    window.speechSynthesis.speak(utterance);
  }
  function setSound(on) {
    soundOn = on;
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    soundButton.textContent = root.getAttribute(on ? "data-label-sound-on" : "data-label-sound-off");
    try {
      window.localStorage.setItem(STORE, on ? "1" : "0");
    } catch (e) {
      /* private mode: the choice lasts until reload */
    }
  }
  soundButton.addEventListener("click", function () {
    setSound(!soundOn);
    if (soundOn) speak(""); // the gesture unlocks speech for later calls
  });
  if (!("speechSynthesis" in window)) soundButton.disabled = true;

  function cell(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function rows(tbody, items, build) {
    var fragment = document.createDocumentFragment();
    items.forEach(function (item) {
      fragment.appendChild(build(item));
    });
    tbody.replaceChildren(fragment);
  }
  function draw(state) {
    var counters = root.querySelector("[data-counters]");
    if (state.counters.length) {
      rows(counters, state.counters, function (counter) {
        var tr = document.createElement("tr");
        var th = cell("th", counter.name);
        th.setAttribute("scope", "row");
        tr.appendChild(th);
        tr.appendChild(cell("td", counter.ticket || "—", "board-number"));
        return tr;
      });
    } else {
      var tr = document.createElement("tr");
      var td = cell("td", noCounter);
      td.colSpan = 2;
      tr.appendChild(td);
      counters.replaceChildren(tr);
    }
    rows(root.querySelector("[data-calls]"), state.calls, function (call) {
      var li = document.createElement("li");
      li.appendChild(cell("span", call.ticket, "board-number"));
      li.appendChild(document.createTextNode(" → " + counterWord + " " + call.counter + " "));
      li.appendChild(cell("span", call.at, "board-time"));
      if (seen !== null && !seen[call.key]) li.className = "board-fresh";
      return li;
    });
    rows(root.querySelector("[data-services]"), state.services, function (service) {
      var tr = document.createElement("tr");
      var th = cell("th", service.letter + " – " + service.name);
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      tr.appendChild(cell("td", String(service.waiting)));
      return tr;
    });
  }
  function announce(state) {
    var fresh = [];
    state.calls.forEach(function (call) {
      if (seen !== null && !seen[call.key]) fresh.push(call);
    });
    seen = {};
    state.calls.forEach(function (call) {
      seen[call.key] = true;
    });
    // oldest first, so the last spoken is the newest
    fresh.reverse().forEach(function (call) {
      latest.textContent = fill(root.getAttribute("data-announce"), call);
      speak(spoken(call));
    });
  }
  function poll() {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        offline.classList.add("d-none");
        draw(state);
        announce(state);
      })
      .catch(function () {
        offline.classList.remove("d-none");
      })
      .then(function () {
        window.setTimeout(poll, seconds * 1000);
      });
  }
  try {
    // the TV keeps the choice, but speech still needs one press after each start
    if (window.localStorage.getItem(STORE) === "1") soundButton.classList.add("btn-warning");
  } catch (e) {
    /* ignore */
  }
  poll();
})();
