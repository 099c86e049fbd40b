// Copy buttons for the affiliate portal. Every button with data-copy is
// hidden in the page and shown here, so without this script nothing
// appears that would not work: the codes and links stay on the page to
// select by hand.
(function () {
  'use strict';
  var live = document.getElementById('copy-status');

  function say(text) {
    if (live) {
      live.textContent = '';
      live.textContent = text;
    }
  }

  function copyByHand(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function done(button, ok) {
    var label = button.getAttribute('data-label');
    var what = button.getAttribute('data-what') || 'Text';
    button.textContent = ok ? 'Copied' : 'Select and copy it';
    button.classList.toggle('copied', ok);
    say(ok ? what + ' copied' : 'Copying is blocked here: select the text and copy it by hand');
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove('copied');
    }, 2000);
  }

  function copy(button) {
    var text = button.getAttribute('data-copy');
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        done(button, true);
      }, function () {
        done(button, copyByHand(text));
      });
      return;
    }
    done(button, copyByHand(text));
  }

  var buttons = document.querySelectorAll('button[data-copy]');
  for (var i = 0; i < buttons.length; i++) {
    var b = buttons[i];
    b.setAttribute('data-label', b.textContent);
    b.hidden = false;
    b.addEventListener('click', function (ev) {
      copy(ev.currentTarget);
    });
  }

  // The payout form shows the field of the method chosen.
  var methods = document.querySelectorAll('input[name="method"]');
  function showMethod() {
    for (var j = 0; j < methods.length; j++) {
      var field = document.getElementById('field-' + methods[j].value);
      if (field) field.hidden = !methods[j].checked;
    }
  }
  for (var k = 0; k < methods.length; k++) methods[k].addEventListener('change', showMethod);
  if (methods.length) showMethod();
})();
