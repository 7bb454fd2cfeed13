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
