/*
 * Live progress of one DR operation (Project > Site Recovery > Operations >
 * operation). Polls the page's data-progress-url every 2 s while the
 * operation is not final and updates the status, progress bar, current
 * step, step rows, error, members left behind and leftovers in place; once
 * final, stops and shows the report. A failed poll is shown in
 * #op-poll-error and polling goes on.
 *
 * Every value from the API is inserted as text (jQuery .text(), text
 * nodes), never parsed as HTML.
 * Horizon loads jQuery at the end of the page, after this script: start
 * on DOMContentLoaded, when it is there.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var FINAL = ["completed", "failed", "rolled_back"];
  var STATUS_CLASSES = "label-info label-success label-warning label-danger label-default";
  // Horizon's JS catalog, when loaded; the English text otherwise.
  var gettext = window.gettext || function (text) { return text; };

  function isFinal(data) {
    return data.final === true || FINAL.indexOf(data.status) !== -1;
  }

  // Bootstrap's .hidden, and the attribute for a page without its CSS.
  function show($el) { $el.removeClass("hidden").prop("hidden", false); }
  function hide($el) { $el.addClass("hidden").prop("hidden", true); }

  function start($) {
    var $root = $("#op-detail[data-progress-url]");
    if (!$root.length) {
      return;
    }
    var progressUrl = $root.attr("data-progress-url");
    var reportUrl = $root.attr("data-report-url");
    var timer = null;

    function showPollError(message) {
      show($("#op-poll-error").text(message));
    }

    function hidePollError() {
      hide($("#op-poll-error").text(""));
    }

    function renderList(selector, items) {
      var $list = $(selector).empty();
      $.each(items || [], function (_i, item) {
        var $li = $("<li></li>");
        if (item && typeof item === "object") {
          if (item.name) {
            $li.append($("<strong></strong>").text(item.name), document.createTextNode(": "));
          }
          $li.append(document.createTextNode(item.text === undefined ?
                                             JSON.stringify(item) : String(item.text)));
        } else {
          $li.text(String(item));
        }
        $list.append($li);
      });
    }

    function renderSteps(rows) {
      var $body = $("#op-steps tbody").empty();
      $.each(rows || [], function (_i, row) {
        var $tr = $("<tr></tr>").addClass("op-step").addClass(row.row_class || "");
        var $outcome = $('<td class="op-outcome"></td>');
        if (row.outcome === "running") {
          $outcome.append('<span class="fa fa-spinner fa-spin" aria-hidden="true"></span> ');
        }
        $outcome.append(document.createTextNode(row.outcome || ""));
        $tr.append($("<td></td>").text(row.member || ""),
                   $("<td></td>").text(row.step || ""),
                   $outcome,
                   $("<td></td>").text(row.started || "-"),
                   $("<td></td>").text(row.finished || "-"),
                   $("<td></td>").text(row.error || ""));
        $body.append($tr);
      });
    }

    function render(data) {
      var pct = parseInt(data.progress, 10);
      pct = isNaN(pct) ? 0 : Math.max(0, Math.min(100, pct));
      $("#op-status").text(data.status || "")
        .removeClass(STATUS_CLASSES).addClass(data.status_class || "label-info");
      $("#op-progress").attr("data-progress", String(pct)).attr("aria-valuenow", String(pct))
        .css("width", pct + "%").text(pct + "%")
        .toggleClass("progress-bar-striped active", !isFinal(data));
      $("#op-current-step").text(data.current_step || "");
      $("#op-error").text(data.error_message || "");
      if (data.started !== undefined) { $("#op-started").text(data.started); }
      if (data.completed !== undefined) { $("#op-completed").text(data.completed); }
      if (data.rto !== undefined) { $("#op-rto").text(data.rto); }
      if (data.recovery_point !== undefined) {
        $("#op-recovery-point").text(data.recovery_point);
      }
      renderSteps(data.timeline);
      renderList("#op-left-behind", data.left_behind);
      renderList("#op-leftovers", data.leftovers);
    }

    function showReport() {
      var $frame = $("#op-report");
      if (!$frame.attr("src")) {
        $frame.attr("src", reportUrl);
      }
      show($frame);
      show($("#op-report-link"));
      hide($("#op-report-pending"));
    }

    function schedule() {
      timer = window.setTimeout(poll, INTERVAL_MS);
    }

    function poll() {
      timer = null;
      $.ajax({url: progressUrl, dataType: "json", cache: false, timeout: 15000})
        .done(function (data) {
          if (!data || typeof data !== "object") {
            showPollError(gettext("The dashboard answered something that is not progress; " +
                                  "retrying."));
            schedule();
            return;
          }
          if (data.error) {
            showPollError(String(data.error));
            schedule();
            return;
          }
          try {
            render(data);
          } catch (err) {
            showPollError(gettext("Cannot show the progress: ") + String(err));
            schedule();
            return;
          }
          hidePollError();
          if (isFinal(data)) {
            showReport();
          } else {
            schedule();
          }
        })
        .fail(function (xhr, textStatus, errorThrown) {
          var body = xhr && xhr.responseJSON;
          var message = (body && body.error) ||
              (gettext("Cannot get the operation's progress") + " (" +
               (xhr && xhr.status ? "HTTP " + xhr.status : textStatus) +
               (errorThrown ? ": " + errorThrown : "") + "); " + gettext("retrying."));
          showPollError(String(message));
          schedule();
        });
    }

    if ($root.attr("data-final") === "true") {
      showReport();
    } else {
      schedule();
    }
    // Exposed for debugging and tests: stop polling (e.g. leaving the page).
    $root.data("opProgressStop", function () {
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      }
    });
  }

  function boot() {
    if (window.jQuery) {
      start(window.jQuery);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
}());
