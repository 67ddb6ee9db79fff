/**
 * Published config.json files of the MoE / MLA models the Gonka network serves, and of two
 * references (Mixtral-8x7B, DeepSeek-V3), as their Hugging Face pages publish them. The catalog
 * (models.ts) reads them with the one parser (hf-config.ts); test/fixtures/configs/ holds the same
 * files as JSON and its README says where each came from and which fields were checked where.
 */

export interface PublishedConfig {
  /** HF repo id. */
  id: string
  /** Where the config.json is published. */
  source: string
  config: Record<string, unknown>
}

export const PUBLISHED_CONFIGS: readonly PublishedConfig[] = [
  {
    id: 'mistralai/Mixtral-8x7B-v0.1',
    source: 'https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json',
    config:
    {
      "architectures": [
        "MixtralForCausalLM"
      ],
      "attention_dropout": 0.0,
      "bos_token_id": 1,
      "eos_token_id": 2,
      "hidden_act": "silu",
      "hidden_size": 4096,
      "initializer_range": 0.02,
      "intermediate_size": 14336,
      "max_position_embeddings": 32768,
      "model_type": "mixtral",
      "num_attention_heads": 32,
      "num_experts_per_tok": 2,
      "num_hidden_layers": 32,
      "num_key_value_heads": 8,
      "num_local_experts": 8,
      "output_router_logits": false,
      "rms_norm_eps": 1e-05,
      "rope_theta": 1000000.0,
      "router_aux_loss_coef": 0.02,
      "sliding_window": null,
      "tie_word_embeddings": false,
      "torch_dtype": "bfloat16",
      "transformers_version": "4.36.0.dev0",
      "use_cache": true,
      "vocab_size": 32000
    },
  },
  {
    id: 'deepseek-ai/DeepSeek-V3',
    source: 'https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json',
    config:
    {
      "architectures": [
        "DeepseekV3ForCausalLM"
      ],
      "attention_bias": false,
      "attention_dropout": 0.0,
      "bos_token_id": 0,
      "eos_token_id": 1,
      "ep_size": 1,
      "first_k_dense_replace": 3,
      "hidden_act": "silu",
      "hidden_size": 7168,
      "initializer_range": 0.02,
      "intermediate_size": 18432,
      "kv_lora_rank": 512,
      "max_position_embeddings": 163840,
      "model_type": "deepseek_v3",
      "moe_intermediate_size": 2048,
      "moe_layer_freq": 1,
      "n_group": 8,
      "n_routed_experts": 256,
      "n_shared_experts": 1,
      "norm_topk_prob": true,
      "num_attention_heads": 128,
      "num_experts_per_tok": 8,
      "num_hidden_layers": 61,
      "num_key_value_heads": 128,
      "num_nextn_predict_layers": 1,
      "q_lora_rank": 1536,
      "qk_nope_head_dim": 128,
      "qk_rope_head_dim": 64,
      "quantization_config": {
        "activation_scheme": "dynamic",
        "fmt": "e4m3",
        "quant_method": "fp8",
        "weight_block_size": [
          128,
          128
        ]
      },
      "rms_norm_eps": 1e-06,
      "rope_scaling": {
        "beta_fast": 32,
        "beta_slow": 1,
        "factor": 40,
        "mscale": 1.0,
        "mscale_all_dim": 1.0,
        "original_max_position_embeddings": 4096,
        "type": "yarn"
      },
      "rope_theta": 10000,
      "routed_scaling_factor": 2.5,
      "scoring_func": "sigmoid",
      "tie_word_embeddings": false,
      "topk_group": 4,
      "topk_method": "noaux_tc",
      "torch_dtype": "bfloat16",
      "transformers_version": "4.46.3",
      "use_cache": true,
      "v_head_dim": 128,
      "vocab_size": 129280
    },
  },
  {
    id: 'MiniMaxAI/MiniMax-M2.7',
    source: 'https://huggingface.co/MiniMaxAI/MiniMax-M2.7/blob/main/config.json',
    config:
    {
      "architectures": [
        "MiniMaxM2ForCausalLM"
      ],
      "attention_dropout": 0.0,
      "attn_type_list": [
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1
      ],
      "head_dim": 128,
      "hidden_act": "silu",
      "hidden_size": 3072,
      "intermediate_size": 1536,
      "max_position_embeddings": 204800,
      "model_type": "minimax_m2",
      "mtp_transformer_layers": 1,
      "num_attention_heads": 48,
      "num_experts_per_tok": 8,
      "num_hidden_layers": 62,
      "num_key_value_heads": 8,
      "num_local_experts": 256,
      "num_mtp_modules": 3,
      "qk_norm_type": "per_layer",
      "quantization_config": {
        "activation_scheme": "dynamic",
        "fmt": "float8_e4m3fn",
        "quant_method": "fp8",
        "weight_block_size": [
          128,
          128
        ],
        "modules_to_not_convert": [
          "gate",
          "e_score_correction_bias",
          "lm_head"
        ]
      },
      "rms_norm_eps": 1e-06,
      "rope_theta": 5000000,
      "rotary_dim": 64,
      "scoring_func": "sigmoid",
      "shared_intermediate_size": 0,
      "tie_word_embeddings": false,
      "use_mtp": true,
      "use_qk_norm": true,
      "use_routing_bias": true,
      "vocab_size": 200064
    },
  },
  {
    id: 'moonshotai/Kimi-K2.6',
    source: 'https://huggingface.co/moonshotai/Kimi-K2.6/blob/main/config.json',
    config:
    {
      "architectures": [
        "KimiK25ForConditionalGeneration"
      ],
      "model_type": "kimi_k25",
      "media_placeholder_token_id": 163605,
      "pad_token_id": 163839,
      "bos_token_id": 163584,
      "eos_token_id": 163585,
      "use_unified_vision_chunk": true,
      "video_placeholder": "<|kimi_k25_video_placeholder|>",
      "tie_word_embeddings": false,
      "text_config": {
        "architectures": [
          "DeepseekV3ForCausalLM"
        ],
        "model_type": "deepseek_v3",
        "torch_dtype": "bfloat16",
        "hidden_size": 7168,
        "intermediate_size": 18432,
        "moe_intermediate_size": 2048,
        "num_hidden_layers": 61,
        "num_attention_heads": 64,
        "num_key_value_heads": 64,
        "n_routed_experts": 384,
        "n_shared_experts": 1,
        "num_experts_per_tok": 8,
        "first_k_dense_replace": 1,
        "moe_layer_freq": 1,
        "num_nextn_predict_layers": 0,
        "q_lora_rank": 1536,
        "kv_lora_rank": 512,
        "qk_nope_head_dim": 128,
        "qk_rope_head_dim": 64,
        "v_head_dim": 128,
        "n_group": 1,
        "topk_group": 1,
        "topk_method": "noaux_tc",
        "scoring_func": "sigmoid",
        "norm_topk_prob": true,
        "vocab_size": 163840,
        "max_position_embeddings": 262144,
        "tie_word_embeddings": false,
        "quantization_config": {
          "quant_method": "compressed-tensors",
          "format": "pack-quantized",
          "quantization_status": "compressed",
          "kv_cache_scheme": null,
          "config_groups": {
            "group_0": {
              "targets": [
                "Linear"
              ],
              "input_activations": null,
              "output_activations": null,
              "weights": {
                "num_bits": 4,
                "group_size": 32,
                "strategy": "group",
                "type": "int",
                "symmetric": true,
                "dynamic": false,
                "actorder": null,
                "block_structure": null,
                "observer": "minmax",
                "observer_kwargs": {}
              }
            }
          },
          "ignore": [
            "re:.*self_attn.*",
            "re:.*shared_experts.*",
            "re:.*mlp\\.(gate|up|gate_up|down)_proj.*",
            "re:.*lm_head.*",
            "re:vision_tower.*",
            "re:mm_projector.*"
          ]
        }
      },
      "vision_config": {
        "patch_size": 14,
        "init_pos_emb_height": 64,
        "init_pos_emb_width": 64,
        "init_pos_emb_time": 4,
        "pos_emb_type": "divided_fixed",
        "num_attention_heads": 16,
        "num_hidden_layers": 27,
        "hidden_size": 1152,
        "intermediate_size": 4304,
        "merge_kernel_size": [
          2,
          2
        ],
        "video_attn_type": "spatial_temporal",
        "merge_type": "sd2_tpool",
        "mm_projector_type": "patchmerger",
        "projector_hidden_act": "gelu",
        "projector_ln_eps": 1e-05
      }
    },
  },
  {
    id: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8',
    source: 'https://huggingface.co/Qwen/Qwen3-235B-A22B-Instruct-2507-FP8/blob/main/config.json',
    config:
    {
      "architectures": [
        "Qwen3MoeForCausalLM"
      ],
      "attention_bias": false,
      "attention_dropout": 0.0,
      "bos_token_id": 151643,
      "decoder_sparse_step": 1,
      "eos_token_id": 151645,
      "head_dim": 128,
      "hidden_act": "silu",
      "hidden_size": 4096,
      "initializer_range": 0.02,
      "intermediate_size": 12288,
      "max_position_embeddings": 262144,
      "max_window_layers": 94,
      "mlp_only_layers": [],
      "model_type": "qwen3_moe",
      "moe_intermediate_size": 1536,
      "norm_topk_prob": true,
      "num_attention_heads": 64,
      "num_experts": 128,
      "num_experts_per_tok": 8,
      "num_hidden_layers": 94,
      "num_key_value_heads": 4,
      "output_router_logits": false,
      "rms_norm_eps": 1e-06,
      "rope_scaling": null,
      "rope_theta": 5000000,
      "router_aux_loss_coef": 0.001,
      "sliding_window": null,
      "tie_word_embeddings": false,
      "torch_dtype": "bfloat16",
      "use_cache": true,
      "use_sliding_window": false,
      "vocab_size": 151936,
      "quantization_config": {
        "activation_scheme": "dynamic",
        "fmt": "e4m3",
        "quant_method": "fp8",
        "weight_block_size": [
          128,
          128
        ]
      }
    },
  },
]
