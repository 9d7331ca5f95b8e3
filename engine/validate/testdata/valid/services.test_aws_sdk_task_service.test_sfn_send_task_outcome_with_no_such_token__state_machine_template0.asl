{
 "Comment": "AWS_SDK_SFN_SEND_TASK_SUCCESS",
 "StartAt": "StartExecution",
 "States": {
  "StartExecution": {
   "Type": "Task",
   "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
   "Parameters": {
    "Output": "ParameterOutput",
    "TaskToken.$": "$$.Execution.Input.TaskToken"
   },
   "End": true
  }
 }
}