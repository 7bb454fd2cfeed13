// Experiment (issue 19, not product code): does training on many more photos of the same kinds
// lift category precision@5, as a real library's many photos of each kind would? Writes Fashion-MNIST
// as folders for `likeness eval categories`: the first `per` test images of each class as
// <out>/labelled/<class>/…, and the first `unlabelled` training images (no labels) as
// <out>/unlabelled/…; each 28×28 picture scaled to 112×112 PNG (lanczos3), as a photo would be.
// Usage: node --import tsx scripts/experiments/fashionMnistFolders.ts <fashion-mnist dir> <out> [per 25] [unlabelled 10000]
// then: likeness eval categories <out>/labelled [--unlabelled <out>/unlabelled] --curve-steps 300,1000,2000
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readIdxImages, readIdxLabels } from '../../src/main/model/source';

const [dir, out, perArg = '25', unlabelledArg = '10000'] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: fashionMnistFolders.ts <fashion-mnist dir> <out> [per class 25] [unlabelled 10000]');
  process.exit(2);
}
const classes = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

async function write(pixels: Uint8Array, index: number, file: string): Promise<void> {
  const picture = Buffer.from(pixels.subarray(index * 784, (index + 1) * 784));
  await sharp(picture, { raw: { width: 28, height: 28, channels: 1 } })
    .resize(112, 112, { kernel: 'lanczos3' })
    .png()
    .toFile(file);
}

const test = readIdxImages(join(dir, 't10k-images-idx3-ubyte.gz'));
const testLabels = readIdxLabels(join(dir, 't10k-labels-idx1-ubyte.gz'));
const counts = new Array<number>(classes.length).fill(0);
for (let i = 0; i < test.count; i++) {
  const label = testLabels[i]!;
  if (counts[label]! >= Number(perArg)) continue;
  counts[label]!++;
  const folder = join(out, 'labelled', classes[label]!);
  mkdirSync(folder, { recursive: true });
  await write(test.pixels, i, join(folder, `t${i}.png`));
}
const train = readIdxImages(join(dir, 'train-images-idx3-ubyte.gz'));
mkdirSync(join(out, 'unlabelled'), { recursive: true });
for (let i = 0; i < Math.min(train.count, Number(unlabelledArg)); i++)
  await write(train.pixels, i, join(out, 'unlabelled', `u${String(i).padStart(5, '0')}.png`));
console.log(`labelled: ${counts.join(' ')} per class; unlabelled: ${Math.min(train.count, Number(unlabelledArg))}`);
