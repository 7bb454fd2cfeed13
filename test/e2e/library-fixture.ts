// A photo folder for the e2e tests: a few "scenes", each with near-duplicate variants (re-encoded,
// slightly brighter, slightly cropped), distinct singletons, and one broken file.
import sharp, { type Sharp } from 'sharp';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { picture } from '../helpers/images';

export interface FixtureLibrary {
  dir: string;
  /** File names of each scene's variants (scene 0 also has an exact pixel copy as PNG). */
  scenes: string[][];
  singletons: string[];
  broken: string;
  photoCount: number;
}

export async function writeFixtureLibrary(dir: string, sceneCount = 6, variants = 5, singletonCount = 8): Promise<FixtureLibrary> {
  mkdirSync(dir, { recursive: true });
  const W = 480;
  const H = 360;
  const scenes: string[][] = [];
  for (let s = 0; s < sceneCount; s++) {
    const base = await picture(1000 + s, W, H)
      .png()
      .toBuffer();
    const names: string[] = [];
    const edits = [
      (img: Sharp) => img.jpeg({ quality: 92 }),
      (img: Sharp) => img.jpeg({ quality: 60 }),
      (img: Sharp) => img.modulate({ brightness: 1.06 }).jpeg({ quality: 85 }),
      (img: Sharp) =>
        img
          .extract({ left: 8, top: 6, width: W - 16, height: H - 12 })
          .resize(W, H)
          .jpeg({ quality: 88 }),
      (img: Sharp) => img.resize(400, 300).modulate({ saturation: 0.9 }).jpeg({ quality: 80 }),
    ];
    for (let v = 0; v < variants; v++) {
      const name = `scene${s}-v${v}.jpg`;
      await edits[v % edits.length](sharp(base)).toFile(join(dir, name));
      names.push(name);
    }
    if (s === 0) {
      // The same pixels again in another format: the plainest duplicate there is.
      const name = `scene${s}-copy.png`;
      await sharp(base).png().toFile(join(dir, name));
      names.push(name);
    }
    scenes.push(names);
  }
  const singletons: string[] = [];
  for (let i = 0; i < singletonCount; i++) {
    const name = `single${String(i).padStart(2, '0')}.jpg`;
    await picture(5000 + i * 13, W, H)
      .jpeg({ quality: 90 })
      .toFile(join(dir, name));
    singletons.push(name);
  }
  const broken = 'broken.jpg';
  writeFileSync(join(dir, broken), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600, 7)]));
  return { dir, scenes, singletons, broken, photoCount: scenes.flat().length + singletonCount };
}
