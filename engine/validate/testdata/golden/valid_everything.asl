{
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Pass",
   "Parameters": {
    "a.$": "$.a",
    "f.$": "States.Format('x{}', $.b)",
    "n": {
     "c.$": "$$.Execution.Id"
    }
   },
   "ResultPath": "$.p",
   "Assign": {
    "v.$": "$.a"
   },
   "Next": "Choose"
  },
  "Choose": {
   "Type": "Choice",
   "Choices": [
    {
     "And": [
      {
       "Variable": "$.a",
       "NumericGreaterThan": 1
      },
      {
       "Not": {
        "Variable": "$.b",
        "StringEquals": "x"
       }
      }
     ],
     "Next": "Work"
    },
    {
     "Variable": "$.t",
     "TimestampLessThan": "2020-01-01T00:00:00Z",
     "Next": "Wait"
    }
   ],
   "Default": "Fan"
  },
  "Work": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Parameters": {
    "FunctionName": "f",
    "Payload.$": "$"
   },
   "ResultSelector": {
    "r.$": "$.Payload"
   },
   "TimeoutSeconds": 30,
   "HeartbeatSeconds": 10,
   "Retry": [
    {
     "ErrorEquals": [
      "Lambda.ServiceException"
     ],
     "IntervalSeconds": 1,
     "MaxAttempts": 3,
     "BackoffRate": 2,
     "MaxDelaySeconds": 5,
     "JitterStrategy": "FULL"
    },
    {
     "ErrorEquals": [
      "States.ALL"
     ]
    }
   ],
   "Catch": [
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "ResultPath": "$.err",
     "Next": "Failed"
    }
   ],
   "Next": "Wait"
  },
  "Wait": {
   "Type": "Wait",
   "SecondsPath": "$.s",
   "Next": "Fan"
  },
  "Fan": {
   "Type": "Parallel",
   "Branches": [
    {
     "StartAt": "B1",
     "States": {
      "B1": {
       "Type": "Succeed"
      }
     }
    }
   ],
   "Next": "Each"
  },
  "Each": {
   "Type": "Map",
   "ItemsPath": "$.items",
   "ItemSelector": {
    "i.$": "$$.Map.Item.Value"
   },
   "MaxConcurrency": 2,
   "ItemProcessor": {
    "ProcessorConfig": {
     "Mode": "INLINE"
    },
    "StartAt": "I",
    "States": {
     "I": {
      "Type": "Pass",
      "End": true
     }
    }
   },
   "Next": "Done"
  },
  "Done": {
   "Type": "Succeed"
  },
  "Failed": {
   "Type": "Fail",
   "Error": "E",
   "Cause": "C"
  }
 },
 "Comment": "all state types",
 "Version": "1.0",
 "TimeoutSeconds": 300
}