// A real iPhone-style HEIC (HEIF container, HEVC-coded, grid item) of 64×48 pixels, 682 bytes.
// sharp's prebuilt libvips cannot write HEVC, so it was made once, outside the tests, from
// picture(21, 64, 48) (test/helpers/images.ts) saved as PNG, with Debian's libheif-examples:
//   heif-enc -q 50 -o tiny.heic tiny.png
// and is kept here as base64 (not read from any shared data folder).
export const TINY_HEIC_SEED = 21;
export const TINY_HEIC_SIZE = { width: 64, height: 48 };
export const tinyHeic = (): Buffer =>
  Buffer.from(
    'AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAa1tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAA' +
      'AA5waXRtAAAAAAACAAAAEGlkYXQAAAAAAEAAMAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAAAA2QACAAEAAAAAAAAA' +
      'AQAAAAAAAAAIAAAAOGlpbmYAAAAAAAIAAAAVaW5mZQIAAAEAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAAAADYaXBycAAA' +
      'ALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQAYQAEMAf//A3AAAAMAkAAAAwAAAwAeugJAIQABACpCAQED' +
      'cAAAAwCQAAADAAADAB6gIIEFlurkprm4EBAwIAAAAwAgAAADACEiAAEABkQBwXPAiQAAABRpc3BlAAAAAAAAAEAAAABAAAAAFGlz' +
      'cGUAAAAAAAAAQAAAADAAAAAQcGl4aQAAAAADCAgIAAAAGmlwbWEAAAAAAAAAAgABAoECAAICA4QAAAAaaXJlZgAAAAAAAAAOZGlt' +
      'ZwACAAEAAQAAAOFtZGF0AAAA1SgBrxOAgcTB4XQTKg9yhXBbY73LCRFwTn61ELjQclvZFyuxSQmdqdbL/LlYVoO6epJMhlQRVrTu' +
      'mJq7nK7VXmrEuGOsboBas1G7LVa1sL8s8NUwRCiY86VtTPUvF6C/JPOeo7qlp3Gwsq50cO1Mofbmi6jFVQYzXFOnBslfztgt+YMF' +
      '5DpvI+WRqc3GUi28u6I+lFU/ZCgfc7WHft0xMwDWf6eK1ETlzOiixZXrW+lZ211wIuefJlK5ZCTbTAeVd4IIEa4TmA2agX5pDLoC' +
      'fa1dmz5zwA==',
    'base64',
  );

// A larger one, past the thumbnail size, to see that the viewer gets more than the thumbnail: made
// the same way from picture(22, 512, 384) saved as PNG, with `heif-enc -q 50 -o medium.heic medium.png`.
export const MEDIUM_HEIC_SEED = 22;
export const MEDIUM_HEIC_SIZE = { width: 512, height: 384 };
export const mediumHeic = (): Buffer =>
  Buffer.from(
    'AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAUNtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAA' +
      'AA5waXRtAAAAAAABAAAAImlsb2MAAAAAREAAAQABAAAAAAFnAAEAAAAAAAAH3AAAACNpaW5mAAAAAAABAAAAFWluZmUCAAAAAAEA' +
      'AGh2YzEAAAAAw2lwcnAAAAClaXBjbwAAAHlodmNDAQNwAAAAAAAAAAAAP/AA/P34+AAADwMgAAEAGEABDAH//wNwAAADAJAAAAMA' +
      'AAMAP7oCQCEAAQAsQgEBA3AAAAMAkAAAAwAAAwA/oAQCAYFlupJKa5uBAQMCAAADAAIAAAMAAhAiAAEAB0QBwXKwYkAAAAAUaXNw' +
      'ZQAAAAAAAAIAAAABgAAAABBwaXhpAAAAAAMICAgAAAAWaXBtYQAAAAAAAAABAAEDgQKDAAAH5G1kYXQAAAfYKAGvEzCdvWJ/TI/A' +
      'ejNpTblIZSsN5dCxbCLllxe/Dn+p0aS9G0uU4u/bBQO9m1oo4fG4T8d2k3nHoNV9LzKeaIXfPDYyLnB55D23WGsMY5v2tV2USHeH' +
      'Qx5EAWmRme4fcQyQ9oGBb2Tnw2r1QQV35EVc5MGq2Lrh9kNk6D8yfesJvLy/Axqlpnuvlc0V+A/TLMj3YrICcGbExh+cJJfn/pB7' +
      'Ktx3xS+w6uvSOAQxctDp+/jeEIdLj5ZR89tGI4LIRsMnMEkStSLAgJaJD1VcL3cyqoFMZQC499NAtxVJqEAt5tnIzruitzh5c9tv' +
      'SQltr7iLtla6BIy7/ANHF5YfihLYJa7U93AuVANAPPID4u3HM5yjJNd7AJ8QL8AJiynpB6goNqzJMeBDW2FU43/YdwDJX25/Lx4P' +
      'DQL2KviRek8dDh3ZWEfPOMwUFtGSZXFkw0WmKyyeZ6uTUiDR5RrvOLVeFX/czkZDFcZh//6Qp69V/X7EEktXXM5vI5LL0m/Z4Bgv' +
      '3U2AGkpUcX2CztuIPyPlUM/E5xx671IY9If4ybUmBxxuw8k7AJ1PPoYjVS9yn8u9aaZMz9qVhHwoBinbR4fBRHBa7QQMmnB0H/ah' +
      '2FZxXrmqB3EL0P1z34BpU81Bj5xPHdHY4pem30rqRpM3HjKw/TwHPaTa9X8ODRNsOPF+XxGTQ+pdeI+w07Ktq9m2giaWy8QFtxh4' +
      'QXTinpSHx2Qgv649/PvEB1AkhQi7GdwKDfrgdoP+p1PyIfcE23pOnzUr+swJeyPhR5PZcYY8ovJu2An+22aXdKkRgl7z3Ggww0xe' +
      '2sVYrLv7Xisys08NPRW/8MRxOxEyO6g0Mzq2lak97cQ0t7GJJ3dZfmosQQy0QxZ7FMGlQoK8EEe+dotZoxGvdtlvgrgBOKaxCAs4' +
      'F+fmH5mgeTpu1nJL/u5xOrE5MdyM/R6Bk6m0FePiSo9XEUEaWvGYsKRAldBpcHKCFE8jLT7JDGKgwy96XYQARlQOGCDdo166cCtV' +
      '7+goM8D6xIrW1kXMnowcFIsZR8xSHtuEbW6bzZoRVOtxRlrU38kZ8ME7nqHsX+wHcExOGdhZPJORAs3zGbo4IRrPFHJf9MncQCXx' +
      'vrRZ6asFZEOvbZyB3G62r2/6FvR3dWNwON2MnJJLXuBq+zzChDjPuR2Uj/zOYNGMKFwePDTED7b0thC2HNohiqj85l1WOCjqXGEP' +
      'pdRibsTL2TkWrv7En4M3JOIQ40fFkrEa6NylyaiNw+6VY0RytUCM6j4s+EVkapySsYCmgOGh00wt/6s5iQ/bukQ9zzZLWhnukQ2G' +
      'j1jwB1lRphciUBMjQ/ljsVhmRtiWX8RpT+YcekRgY2nZkxXbF3gJ/nrmowjZO9kP1PtSZhjScDwmmZOhNJgMgV+vj8r2sw78KHAA' +
      'i42hZ+ots/+v0LGQJi1ofOZ4nTzqwCBOzahbc9t7Q/rmHXFZSGE83i3LNNlBuo7N/+ML+zXP2MVmMfAyOFQY4PvcMkhE01ld1WqV' +
      'G68mg614FDYYL2HtLaULUaPsWJ9olWM2DHjy0rd6CHaGvMLqD54/u3l9MDJAncd1BdMAX68jIN02Mkio9mpa8EOs9TPgQm70VmeW' +
      'kxZIHeACosF+KzOebGL5xkibwcbMuxIgXcWD8l0lXG/a6cPNyvmaR4SgbcJo2H2yx67m3DVlX4QJcy9djkcxpgKvz5KVOj3tSDXW' +
      'L3LgGhuGFvn4dEgLnWR408dLQ0EKa8fsnE/ukdoEhUUWTN6EQrhDDvV14wsHHVlrHQTjjeM9a8l8nhcZ9oiz3z1iESNkyf+2mECx' +
      'hbU2ioutveUVgjXU3px1Xaf5rnMm4klX6gteSsSsfivY895jqaQFLxkcONLmokfE/89YX9hKtzfPq9OENlpsgDlAaC0Nlnn3VOwC' +
      'TM+Y8gRW4FlsD7R/ILx8HAQ/POdpANVQDPyARK1EwoIdZa9CAuoKPNHJ55KcznGCHdDf4C0sZ+Ao19FYPQ9zQlWLbEyt7bvD5dYj' +
      'PltwocBz8Q99Hd/WWa3BctArDoh8IjxvNXeZfFJai8CfZNakKp6QxhPb3YFkUR+qY0p9/UJpphrTIEUWUF4EHnMv2gN5fRX/ZblL' +
      'fFFHs/LMsVk74E+Yqw74ooYJGvhqf0yDNchcJyCFNR6MWbdOggexuL0b/D+clUuy2owlGF13WOIci13q2KAHyYQYmOM0w5RB3+FJ' +
      'VMj3fFZ0Xv4CBg6cUEhBRdlh/I7yKLly5AjMtNlFls5yv9JwGNQY0EkzZDVelSxi+kbvT7MBy6qYnPLInoYydA1tYutNy+AUiSKA' +
      'vLRJ9N65ObM4TKjJH2/Ik/7Dj5mkNu7dgpsXEBtu0KpVyvu6RryAnsnJwhybzmvjKTmpEVomiKwf4lpJSmlYFkKvScoVuLyoivzc' +
      'XrZY0haogsMF34tzm7CgtbA/hGtHWSdlKznahfp0kBYp9aYiGOWbMuDR7M8UO3QGcF0y+OhxacbQ6Mr/cftaOK5QA3GGJ59SY7nI' +
      'K9sMkj5MwjhBz3OPrnsQIdeczOr7Y6wbXWeU10zhwXz07bvpdHlh6Rj8sZ8PYhRsjtN7XEaJ2btuuXrcDQTqB8NpzT8Rh50yG7oj' +
      '5lon+Ek2bD0sC4rJWRpMiV5uQQWsa+JbgWuBqAROjqPi43OHrRZw6oCII8gjeA==',
    'base64',
  );
