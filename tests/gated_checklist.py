"""A small version-2 checklist: a gate ruling out three items, guidance, several choices, a date, a
bounded percentage and weighted scoring; the conversation and end-to-end tests share it."""

GATED = """
id: co-dieu-kien
version: 1
title: Bảng kiểm có điều kiện
scoring: {pass: 1, partial: 0.5, fail: 0}
areas:
  - id: du-thao
    title: Đánh giá tác động TTHC
    items:
      - id: ke-hoach
        prompt: Đã ban hành kế hoạch KSTTHC năm?
        type: rating
        weight: 2
      - id: co-du-thao
        prompt: Trong kỳ có dự thảo văn bản quy định TTHC không?
        type: yesno
      - id: danh-gia
        prompt: Quy định TTHC trong dự thảo đã được đánh giá tác động?
        type: rating
        show_if: {item: co-du-thao, in: ["yes"]}
        help: Xem <b>bản đánh giá</b> kèm hồ sơ dự thảo.
        basis: Nghị định 63/2010/NĐ-CP
      - id: lay-y-kien
        prompt: Đã lấy ý kiến đối tượng chịu tác động?
        type: rating
        show_if: {item: co-du-thao, in: ["yes"]}
      - id: tiep-thu
        prompt: Ý kiến được tiếp thu, giải trình đầy đủ?
        type: rating
        show_if: {item: co-du-thao, in: ["yes"]}
  - id: giai-quyet
    title: Giải quyết TTHC
    items:
      - id: hinh-thuc
        prompt: Các hình thức niêm yết đang dùng?
        type: choices
        options:
          - {value: bang, label: Bảng}
          - {value: so, label: Sổ}
          - {value: man-hinh, label: Màn hình cảm ứng}
      - id: ngay-ke-hoach
        prompt: Ngày ban hành kế hoạch?
        type: date
      - id: ty-le
        prompt: Tỷ lệ hồ sơ đúng hạn?
        type: number
        unit: "%"
        min: 0
        max: 100
      - id: mot-cua
        prompt: Bộ phận Một cửa hoạt động đúng quy định?
        type: rating
"""
