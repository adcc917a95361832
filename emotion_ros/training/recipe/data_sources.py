"""Where the real training data of the default models comes from: the public repositories that
hold copies of each data set, the exact commits, the folder each lands in, and the licences.

The model cards copy these entries, and ``tools/prepare_datasets.py`` exports each folder from a
clone at its commit into the data folder that ``tools/make_default_models.py --data`` reads.
None of these files is ever committed to this repository or downloaded at run time.
"""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class DataSource:
    """One data set as the recipe reads it."""

    name: str
    repository: str  # https://github.com/<owner>/<name>
    commit: str
    path: str  # folder inside the repository at that commit
    folder: str  # where it goes inside the data directory
    licence: str
    citation: str

    def as_card(self) -> dict[str, str]:
        """The card's provenance entry."""
        return asdict(self)


SOURCES = {
    "fer2013": DataSource(
        "FER2013 (image-folder release: 48x48 grey faces upscaled to 224x224 JPEG)",
        "https://github.com/darkbit404/FaceExp",
        "91f4f6e6c1f45f2acc89f3d8dae486ea3f99c17c",
        "data",
        "fer2013",
        "Research use (ICML 2013 challenge data; the images were collected from the web and "
        "carry no licence of their own).",
        "Goodfellow et al., Challenges in Representation Learning: A report on three machine "
        "learning contests, ICONIP 2013.",
    ),
    "ferplus": DataSource(
        "FER+ (FER2013 relabelled by 10 annotators each; 48x48 PNG with label.csv)",
        "https://github.com/tessav/crowd-emotion",
        "95c07555f685e8b776d03c66406b49faa402a349",
        "data",
        "ferplus",
        "FER+ labels: MIT (microsoft/FERPlus); images: as FER2013.",
        "Barsoum et al., Training Deep Networks for Facial Expression Recognition with "
        "Crowd-Sourced Label Distribution, ICMI 2016.",
    ),
    "facial_expressions": DataSource(
        "facial_expressions (13,690 crowd-labelled photos, mostly Labeled Faces in the Wild "
        "news photos, 350x350)",
        "https://github.com/muxspace/facial_expressions",
        "5fb9c13afac07c55eae8d25eb6b50af344ad60c9",
        "",
        "facial_expressions",
        "Apache-2.0 (the repository: labels and collection); the photos are Labeled Faces in "
        "the Wild's (research use) and film stills.",
        "muxspace/facial_expressions (GitHub); Huang et al., Labeled Faces in the Wild, "
        "UMass Amherst TR 07-49, 2007.",
    ),
    "ravdess": DataSource(
        "RAVDESS speech (24 actors, 1,440 clips, 48 kHz)",
        "https://github.com/akisaini/DL-Project",
        "93d4aa55b2cec7514bc483cda2b0f5031e119fcf",
        "ravdess",
        "ravdess",
        "CC BY-NC-SA 4.0 (non-commercial).",
        "Livingstone & Russo, The Ryerson Audio-Visual Database of Emotional Speech and Song "
        "(RAVDESS), PLoS ONE 2018.",
    ),
    "savee": DataSource(
        "SAVEE (4 male English speakers, 480 clips, 44.1 kHz)",
        "https://github.com/robertjkeck2/EmoNet",
        "32c461fcb0383bc1dc99a424825e0b2433d5d740",
        "server/data/SAVEE",
        "savee",
        "Free for research (University of Surrey registration); non-commercial.",
        "Haq & Jackson, Speaker-dependent audio-visual emotion recognition, AVSP 2009.",
    ),
    "spanish": DataSource(
        "Spanish emotional speech recorded by students (16 folders of about 80 clips, 48 kHz)",
        "https://github.com/rcebrian/speech-emotion-recognition",
        "f44cf6d995506d24fb0b8e49802d18bc22c7079c",
        "",
        "spanish_ser_rcebrian",
        "No licence stated in the repository; used for research only.",
        "rcebrian/speech-emotion-recognition (GitHub).",
    ),
    "emodb": DataSource(
        "Berlin EmoDB (10 German speakers, 535 clips cut or padded to 2.0 s, 22.05 kHz)",
        "https://github.com/sylaschacko/voice-emotion-analysis",
        "4b0f64c947b84beb43c8b1a7e7a6597a04902f02",
        "wav",
        "emodb/wav",
        "Free for research (TU Berlin); non-commercial.",
        "Burkhardt et al., A Database of German Emotional Speech, Interspeech 2005.",
    ),
    "casia": DataSource(
        "CASIA Chinese emotional speech (4 Mandarin speakers, 1,200 clips)",
        "https://github.com/Codesheep0511/speech",
        "e04b383a9cfc274df3cc530e3b51d2e0feb42505",
        "casia",
        "casia",
        "Research use (Institute of Automation, Chinese Academy of Sciences); non-commercial.",
        "Tao et al., CASIA Chinese emotional speech corpus (2008).",
    ),
    "emovo": DataSource(
        "EMOVO Italian emotional speech (6 actors, 588 clips, 48 kHz)",
        "https://github.com/fp1acm8/SER",
        "c13834136874dbf9404f077fd977890605ac90bd",
        "data/EMOVO",
        "emovo",
        "Research use with citation (Fondazione Ugo Bordoni); non-commercial. The repository's "
        "Apache-2.0 covers its code, not the corpus.",
        "Costantini et al., EMOVO Corpus: an Italian Emotional Speech Database, LREC 2014.",
    ),
    "nemo": DataSource(
        "nEMO Polish emotional speech (9 actors, 4,481 clips, 24 kHz)",
        "https://github.com/amu-cai/nEMO",
        "66de9999a8f2f605eb5f64841790aa5cb0877782",
        "samples",
        "nemo",
        "CC BY-NC-SA 4.0 (non-commercial).",
        "Christop, nEMO: Dataset of Emotional Speech in Polish, LREC-COLING 2024.",
    ),
    "ased": DataSource(
        "ASED Amharic emotional speech (65 speakers, 2,474 clips of 3 s, 16 kHz; no surprise)",
        "https://github.com/Ethio2021/ASED_V1",
        "30fee0345cbd37e12dd725fbe69f90522cffb046",
        "",
        "ased",
        "No licence stated; released for research with the paper (cite it).",
        "Retta et al., A New Amharic Speech Emotion Dataset and Classification Benchmark, "
        "ACM TALLIP 2022.",
    ),
    "turev": DataSource(
        "TurEV-DB Turkish emotional speech (6 speakers, 1,735 single-word clips, 44.1 kHz; "
        "angry, happy, sad and calm; only scored, never trained on)",
        "https://github.com/Xeonen/TurEV-DB",
        "be9873eccbc40538acbeb5e67c718bda96763cf3",
        "Sound Source",
        "turev",
        "CC BY-NC-ND 4.0 (its README; the repository's LICENSE file says GPL-3.0). Only scored "
        "here: no model is derived from it.",
        "Canpolat et al., Turkish Emotion Voice Database (TurEV-DB), SLTU-CCURL 2020.",
    ),
    "emotiontts_korean": DataSource(
        "emotiontts_open_db Korean emotional speech, its public 5 % sample (15 speakers x 20 "
        "clips, 22.05 kHz; neutral, happy, angry, sad; only scored, never trained on)",
        "https://github.com/emotiontts/emotiontts_open_db",
        "5c8ccc80cb11e8de113c25f9ad019dc5d3a8e47b",
        "Dataset/SpeechCorpus/Emotional",
        "emotiontts_korean",
        "CC BY-NC-SA 4.0; research use only (KAIST and SELVAS AI).",
        "emotiontts/emotiontts_open_db (GitHub), KAIST and SELVAS AI, 2017-2018.",
    ),
    "meld": DataSource(
        "MELD transcripts (13,708 utterances from the TV series Friends, 7 emotions; text only)",
        "https://github.com/declare-lab/MELD",
        "2d2011b409d3ca2d7e94460cd007d434b1d0a102",
        "data/MELD",
        "meld",
        "GPL-3.0 (the repository); the utterances are from Friends (Warner Bros.), research use.",
        "Poria et al., MELD: A Multimodal Multi-Party Dataset for Emotion Recognition in "
        "Conversations, ACL 2019.",
    ),
}
